#include "package/track_packager.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::package {
namespace {

media::TrackInfo aac_track() {
  return media::TrackInfo{.id = 2,
                          .kind = media::MediaKind::Audio,
                          .codec = media::Codec::Aac,
                          .timescale = 1000,
                          .codec_config = test::hex("1188"),
                          .sample_rate = 48000,
                          .channels = 1};
}

media::AccessUnit audio_at(int64_t ms) {
  return media::AccessUnit{
      .track_id = 2, .dts = ms, .pts = ms, .keyframe = true, .data = Bytes(50, std::byte{1})};
}

// `ffmpeg -stream_loop -1 -c copy` of a file whose audio runs past its video:
// at the loop the audio restarts ~50 ms behind what was sent (the demuxer has
// already made it monotonic: last + 1 ms). Those frames overlap and are dropped;
// the track stays valid and keeps its exact 1024-sample grid afterwards.
TEST(TrackPackagerTest, OverlappingAudioAtALoopIsDroppedNotFatal) {
  TrackPackager track(aac_track());
  int64_t last = 0;
  int pushed = 0;
  auto push = [&](int64_t raw) {
    last = pushed == 0 ? raw : std::max(raw, last + 1);
    track.push(audio_at(last));
    ++pushed;
  };
  for (int64_t samples = 0; samples / 48 < 1000; samples += 1024) {
    push(samples / 48);
  }
  for (int64_t samples = 950 * 48; samples / 48 < 2000; samples += 1024) {
    push(samples / 48);
  }
  EXPECT_GT(track.dropped_audio_frames(), 0u);
  auto seg = track.cut_all();
  ASSERT_TRUE(seg.ok()) << seg.error().describe();
  ASSERT_TRUE(seg->has_value());
  EXPECT_EQ((*seg)->samples, pushed - track.dropped_audio_frames());
}

}  // namespace
}  // namespace antcdn::package
