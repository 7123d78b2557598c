#include "ingest/health/health_calculator.h"

#include <vector>

#include <gtest/gtest.h>

#include "format/aac/audio_specific_config.h"
#include "format/avc/avc_decoder_config.h"
#include "support/bytes_helpers.h"

namespace antcdn::ingest::health {
namespace {

using media::HealthStatus;

// avcC of a High profile, level 1.3 stream (its SPS and PPS).
Bytes avcc_high13() {
  auto c = format::avc::AvcDecoderConfig::from_parameter_sets(
      {antcdn::test::hex("6764000dacd94141fb0110000003001000000303c0f1429960")},
      {antcdn::test::hex("68ebe3cb22c0")});
  auto bytes = c.ok() ? c->serialize() : Result<Bytes>(c.error());
  return bytes.ok() ? *bytes : Bytes{};
}

std::vector<media::TrackInfo> tracks(double fps = 30) {
  auto asc = format::aac::AudioSpecificConfig::make(2, 48000, 2);
  return {media::TrackInfo{.id = 1,
                           .kind = media::MediaKind::Video,
                           .codec = media::Codec::H264,
                           .codec_config = avcc_high13(),
                           .width = 1280,
                           .height = 720,
                           .frame_rate = fps},
          media::TrackInfo{.id = 2,
                           .kind = media::MediaKind::Audio,
                           .codec = media::Codec::Aac,
                           .codec_config = asc.ok() ? asc->serialize() : Bytes{},
                           .sample_rate = 48000,
                           .channels = 2}};
}

media::AccessUnit unit(int track, int64_t dts_ms, int64_t arrival_ms, size_t bytes,
                       bool key = false) {
  return media::AccessUnit{.track_id = track,
                           .dts = dts_ms,
                           .pts = dts_ms,
                           .keyframe = key,
                           .arrival_unix_ms = arrival_ms,
                           .data = Bytes(bytes)};
}

constexpr int64_t kStart = 1'700'000'000'000;

// `seconds` of real-time media from `from_ms` (media and wall time from 0 and
// kStart): 30 fps video of 12,500 bytes a frame (3 Mbit/s) with a keyframe
// every `gop_s` s, and 50 audio frames a second of 320 bytes (128 kbit/s).
// Arrivals are `slowdown` times the media time.
void feed(HealthCalculator& c, int64_t from_ms, int64_t seconds, int gop_s = 2,
          double slowdown = 1.0) {
  for (int64_t ms = from_ms; ms < from_ms + seconds * 1000; ms += 1) {
    auto arrival = kStart + static_cast<int64_t>(static_cast<double>(ms) * slowdown);
    if (ms % 100 == 0 || ms % 100 == 33 || ms % 100 == 66) {
      c.on_unit(unit(1, ms, arrival, 12500, ms % (gop_s * 1000) == 0));
    }
    if (ms % 20 == 0) {
      c.on_unit(unit(2, ms, arrival, 320));
    }
  }
}

TEST(HealthCalculatorTest, SteadyPublishIsHealthyWithItsFigures) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 8);
  auto h = c.snapshot(kStart + 8000);
  EXPECT_EQ(h.status, HealthStatus::Healthy) << h.reason;
  EXPECT_EQ(h.reason, "");
  EXPECT_NEAR(h.video_bitrate_kbps, 3000, 30);
  EXPECT_NEAR(h.audio_bitrate_kbps, 128, 2);
  EXPECT_NEAR(h.fps, 30, 0.5);
  ASSERT_TRUE(h.keyframe_interval_s);
  EXPECT_DOUBLE_EQ(*h.keyframe_interval_s, 2.0);
  EXPECT_EQ(h.width, 1280);
  EXPECT_EQ(h.height, 720);
  EXPECT_EQ(h.video_codec, "avc1.64000d");
  EXPECT_EQ(h.audio_codec, "mp4a.40.2");
  EXPECT_EQ(h.last_frame_at_ms, kStart + 7980);
  EXPECT_EQ(h.dropped_gops, 0);
}

TEST(HealthCalculatorTest, NothingYetIsStarvingWithUnknownFigures) {
  HealthCalculator c;
  auto h = c.snapshot(kStart);
  EXPECT_EQ(h.status, HealthStatus::Starving);
  EXPECT_EQ(h.reason, "no media yet");
  EXPECT_FALSE(h.width);
  EXPECT_FALSE(h.keyframe_interval_s);
  EXPECT_FALSE(h.last_frame_at_ms);
  EXPECT_EQ(h.video_codec, "");
  EXPECT_EQ(h.fps, 0);
}

TEST(HealthCalculatorTest, SilenceOverTwoSecondsIsStarving) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 6);
  // 1.9 s without frames: fewer frames in the window (degraded), not starving yet.
  EXPECT_EQ(c.snapshot(kStart + 7900).status, HealthStatus::Degraded);
  auto h = c.snapshot(kStart + 8100);
  EXPECT_EQ(h.status, HealthStatus::Starving);
  EXPECT_EQ(h.reason, "no media for 2.1 s");
}

TEST(HealthCalculatorTest, InputSlowerThanRealTimeIsStarving) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 10, 2, 1.5);  // 10 s of media over 15 s
  auto h = c.snapshot(kStart + 15000);
  EXPECT_EQ(h.status, HealthStatus::Starving);
  EXPECT_NE(h.reason.find("slower than real time"), std::string::npos) << h.reason;
}

TEST(HealthCalculatorTest, LongKeyframeIntervalIsDegraded) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 12, 5);
  auto h = c.snapshot(kStart + 12000);
  EXPECT_EQ(h.status, HealthStatus::Degraded);
  ASSERT_TRUE(h.keyframe_interval_s);
  EXPECT_DOUBLE_EQ(*h.keyframe_interval_s, 5.0);
  EXPECT_NE(h.reason.find("keyframes every 5.0 s"), std::string::npos) << h.reason;
}

TEST(HealthCalculatorTest, AnOpenGapLongerThanTheLastCounts) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 12, 100);  // one keyframe at 0, none since
  auto h = c.snapshot(kStart + 12000);
  ASSERT_TRUE(h.keyframe_interval_s);
  EXPECT_GT(*h.keyframe_interval_s, 11.9);
  EXPECT_EQ(h.status, HealthStatus::Degraded);
}

TEST(HealthCalculatorTest, FewerFramesThanAnnouncedIsDegraded) {
  HealthCalculator c;
  c.on_tracks(tracks(60));  // announces 60, sends 30
  feed(c, 0, 6);
  auto h = c.snapshot(kStart + 6000);
  EXPECT_EQ(h.status, HealthStatus::Degraded);
  EXPECT_NE(h.reason.find("of the 60.0 announced"), std::string::npos) << h.reason;
}

TEST(HealthCalculatorTest, AShedGopDegradesForTenSecondsAndIsCounted) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 6);
  c.on_gop_shed(kStart + 5000);
  auto h = c.snapshot(kStart + 6000);
  EXPECT_EQ(h.status, HealthStatus::Degraded);
  EXPECT_EQ(h.dropped_gops, 1);
  feed(c, 6000, 10);
  h = c.snapshot(kStart + 16000);
  EXPECT_EQ(h.status, HealthStatus::Healthy) << h.reason;
  EXPECT_EQ(h.dropped_gops, 1);
}

TEST(HealthCalculatorTest, AReconnectStartsTheWindowsAgainButKeepsDroppedGops) {
  HealthCalculator c;
  c.on_tracks(tracks());
  feed(c, 0, 6);
  c.on_gop_shed(kStart + 1000);
  c.on_tracks(tracks());
  auto h = c.snapshot(kStart + 6000);
  EXPECT_EQ(h.status, HealthStatus::Starving);
  EXPECT_EQ(h.reason, "no media yet");
  EXPECT_EQ(h.fps, 0);
  EXPECT_EQ(h.dropped_gops, 1);
}

TEST(HealthCalculatorTest, MemoryIsBoundedWhateverTheRate) {
  HealthCalculator c(HealthRules{.max_samples = 100});
  c.on_tracks(tracks());
  for (int i = 0; i < 5000; ++i) {
    c.on_unit(unit(1, i, kStart + i / 10, 1000, i % 60 == 0));
  }
  // Only the last 100 units are remembered: 100 frames over a 500 ms start.
  auto h = c.snapshot(kStart + 500);
  EXPECT_NEAR(h.fps, 200, 1);
}

}  // namespace
}  // namespace antcdn::ingest::health
