#include "package/track_packager.h"

#include <algorithm>
#include <limits>

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
    EXPECT_TRUE(track.push(audio_at(last)).ok());
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

media::TrackInfo h264_track() {
  return media::TrackInfo{.id = 1,
                          .kind = media::MediaKind::Video,
                          .codec = media::Codec::H264,
                          .timescale = 1000,
                          .width = 320,
                          .height = 240,
                          .frame_rate = 30};
}

media::AccessUnit video_at(int64_t ms, bool key, size_t size = 100) {
  return media::AccessUnit{
      .track_id = 1, .dts = ms, .pts = ms, .keyframe = key, .data = Bytes(size, std::byte{1})};
}

// Segments accumulate between cuts, and cuts need keyframes: a track that is
// never cut is refused past 30 s of media, and what was refused is not kept.
TEST(TrackPackagerTest, PendingMediaIsBoundedInTime) {
  TrackPackager track(aac_track());
  int64_t ms = 0;
  size_t pushed = 0;
  for (; ms <= 30000; ms += 22, ++pushed) {  // AAC at 48 kHz: a frame every 21.3 ms
    ASSERT_TRUE(track.push(audio_at(ms)).ok()) << ms;
  }
  Status over = track.push(audio_at(ms));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Code::ResourceExhausted);
  EXPECT_NE(over.error().message.find("audio track: more than 30 s of media"), std::string::npos);
  auto seg = track.cut_all();
  ASSERT_TRUE(seg.ok() && seg->has_value());
  EXPECT_EQ((*seg)->samples, pushed);
  EXPECT_TRUE(track.push(audio_at(ms + 22)).ok()) << "a cut frees the track again";
}

TEST(TrackPackagerTest, PendingMediaIsBoundedInFramesAndBytes) {
  TrackPackager frames(h264_track(), TrackLimits{.max_pending_units = 100});
  ASSERT_TRUE(frames.push(video_at(0, true)).ok());
  for (int i = 1; i < 100; ++i) {
    ASSERT_TRUE(frames.push(video_at(i, false)).ok());
  }
  EXPECT_NE(frames.push(video_at(100, false)).error().message.find("more than 100 frames"),
            std::string::npos);

  // 1-byte frames still cost their bookkeeping: a flood of them is bounded too.
  TrackPackager bytes(h264_track(), TrackLimits{.max_pending_bytes = size_t{1} << 20});
  int accepted = 0;
  while (bytes.push(video_at(accepted, accepted == 0, 1)).ok()) {
    ++accepted;
  }
  EXPECT_GT(accepted, 1000);
  EXPECT_LT(accepted, 20000);
  ASSERT_TRUE(bytes.cut(accepted).ok());
  EXPECT_TRUE(bytes.empty());
  EXPECT_TRUE(bytes.push(video_at(accepted, false, 1)).ok()) << "the cut released the bytes";
}

TEST(TrackPackagerTest, AnAbsurdFrameRateIsNotCarriedToTheOutput) {
  media::TrackInfo t = h264_track();
  t.frame_rate = std::numeric_limits<double>::infinity();
  TrackPackager track(t);
  EXPECT_EQ(track.output_track().frame_rate, 0);
  ASSERT_TRUE(track.push(video_at(0, true)).ok());
  auto seg = track.cut_all();
  ASSERT_TRUE(seg.ok() && seg->has_value());
  EXPECT_GT((*seg)->duration_us, 0);  // the nominal 30 fps duration, not 0
}

}  // namespace
}  // namespace antcdn::package
