#include "package/stream_packager.h"

#include <atomic>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "storage/memory_store.h"
#include "support/bytes_helpers.h"

namespace antcdn::package {
namespace {

using antcdn::test::hex;

// An x264 avcC (320x240 High) and a 48 kHz mono AAC-LC AudioSpecificConfig.
const Bytes kAvcC =
    hex("0164000dffe100196764000dacd94141fb0110000003001000000303c0f142996001000468ef8fcbfdf8f800");
const Bytes kAsc = hex("1188");

std::vector<media::TrackInfo> tracks() {
  return {media::TrackInfo{.id = 1,
                           .kind = media::MediaKind::Video,
                           .codec = media::Codec::H264,
                           .timescale = 1000,
                           .codec_config = kAvcC,
                           .width = 320,
                           .height = 240,
                           .frame_rate = 30},
          media::TrackInfo{.id = 2,
                           .kind = media::MediaKind::Audio,
                           .codec = media::Codec::Aac,
                           .timescale = 1000,
                           .codec_config = kAsc,
                           .sample_rate = 48000,
                           .channels = 1}};
}

// Interleaved A/V for [from_ms, to_ms): 30 fps video with a keyframe each second.
void feed(media::AccessUnitSink& sink, int64_t from_ms, int64_t to_ms) {
  int64_t v = from_ms;
  int64_t a_samples = from_ms * 48;
  while (v < to_ms) {
    while (a_samples / 48 <= v) {
      sink.on_access_unit(media::AccessUnit{.track_id = 2,
                                            .dts = a_samples / 48,
                                            .pts = a_samples / 48,
                                            .keyframe = true,
                                            .arrival_unix_ms = 1700000000000 + a_samples / 48,
                                            .data = Bytes(100, std::byte{0x21})});
      a_samples += 1024;
    }
    Bytes nal = {std::byte{0},    std::byte{0}, std::byte{0}, std::byte{3},
                 std::byte{0x65}, std::byte{1}, std::byte{2}};
    sink.on_access_unit(media::AccessUnit{.track_id = 1,
                                          .dts = v,
                                          .pts = v + 33,
                                          .keyframe = (v - from_ms) % 1000 < 33,
                                          .arrival_unix_ms = 1700000000000 + v,
                                          .data = std::move(nal)});
    v += 33;
  }
}

std::string text(storage::ObjectStore& s, const std::string& key) {
  auto o = s.get(key);
  return o.ok() ? std::string(as_chars((*o)->data)) : std::string();
}

class StreamPackagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<StreamPackager> make() {
    return std::make_unique<StreamPackager>(
        PackagerOptions{.edge_id = "lse_test", .passthrough = true}, writes_,
        PackagerEvents{.on_ready = [this] { ++ready_; },
                       .on_failed = [this](const std::string&) { ++failed_; }});
  }
  storage::MemoryStore store_;
  storage::WriteQueue writes_{store_, storage::WriteQueueOptions{}};
  std::atomic<int> ready_{0};
  std::atomic<int> failed_{0};
};

TEST_F(StreamPackagerTest, WritesInitSegmentsAndPlaylistsForEveryRendition) {
  auto p = make();
  p->on_tracks(tracks());
  feed(*p, 0, 5000);
  writes_.flush();
  EXPECT_EQ(ready_, 1);
  std::string master = text(store_, "lse_test/master.m3u8");
  EXPECT_NE(master.find("#EXT-X-STREAM-INF:"), std::string::npos) << master;
  EXPECT_NE(master.find("RESOLUTION=320x240"), std::string::npos) << master;
  EXPECT_NE(master.find("avc1.64000d,mp4a.40.2"), std::string::npos) << master;
  EXPECT_NE(master.find("TYPE=AUDIO"), std::string::npos) << master;
  EXPECT_NE(master.find("source/index.m3u8"), std::string::npos);

  std::string video = text(store_, "lse_test/source/index.m3u8");
  std::string audio = text(store_, "lse_test/audio/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-MAP:URI=\"init-"), std::string::npos) << video;
  EXPECT_EQ(video.find("#EXT-X-ENDLIST"), std::string::npos);
  p->on_end(media::EndReason::Clean);
  writes_.flush();
  video = text(store_, "lse_test/source/index.m3u8");
  audio = text(store_, "lse_test/audio/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-ENDLIST"), std::string::npos) << video;
  EXPECT_NE(audio.find("#EXT-X-ENDLIST"), std::string::npos) << audio;
  EXPECT_NE(video.find("#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z"), std::string::npos)
      << video;
  // Keyframes each second and a 2 s target: cuts at 2 s and 4 s, then the rest.
  size_t segments = 0;
  for (size_t at = video.find("#EXTINF:2.0"); at != std::string::npos;
       at = video.find("#EXTINF:2.0", at + 1)) {
    ++segments;
  }
  EXPECT_EQ(segments, 2u) << video;
  EXPECT_EQ(failed_, 0);
  size_t m4s = 0;
  for (const auto& k : store_.keys()) {
    m4s += k.ends_with(".m4s");
  }
  EXPECT_EQ(m4s, 6u);  // 3 video + 3 audio
}

TEST_F(StreamPackagerTest, ReconnectContinuesThePlaylistsAfterADiscontinuity) {
  auto p = make();
  p->on_tracks(tracks());
  feed(*p, 0, 4100);
  p->on_end(media::EndReason::Dropped);
  writes_.flush();
  std::string before = text(store_, "lse_test/source/index.m3u8");
  EXPECT_EQ(before.find("#EXT-X-ENDLIST"), std::string::npos);
  p->on_tracks(tracks());
  feed(*p, 0, 4100);  // a new encoder starts its clock at zero again
  p->on_end(media::EndReason::Clean);
  writes_.flush();
  EXPECT_EQ(ready_, 2);
  std::string video = text(store_, "lse_test/source/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-DISCONTINUITY\n"), std::string::npos) << video;
  EXPECT_NE(video.find("#EXT-X-ENDLIST"), std::string::npos);
  // Two sessions, two init sections, both referenced.
  size_t maps = 0;
  for (size_t at = video.find("#EXT-X-MAP"); at != std::string::npos;
       at = video.find("#EXT-X-MAP", at + 1)) {
    ++maps;
  }
  EXPECT_EQ(maps, 2u) << video;
}

}  // namespace
}  // namespace antcdn::package
