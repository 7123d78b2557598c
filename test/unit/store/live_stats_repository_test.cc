// The LiveStatsRepository contract, against SQLite always and PostgreSQL when a
// server is configured (store_backends.h).

#include <gtest/gtest.h>

#include "store/repositories.h"
#include "unit/store/store_backends.h"

namespace antcdn::store {
namespace {

constexpr int64_t kT = 1'700'000'000'000;

media::StreamHealth sample_health() {
  media::StreamHealth h;
  h.status = media::HealthStatus::Degraded;
  h.reason = "keyframes every 6.0 s";
  h.video_bitrate_kbps = 2987;
  h.audio_bitrate_kbps = 128;
  h.fps = 29.9;
  h.keyframe_interval_s = 6.0;
  h.width = 1920;
  h.height = 1080;
  h.video_codec = "avc1.640028";
  h.audio_codec = "mp4a.40.2";
  h.last_frame_at_ms = kT - 40;
  h.dropped_gops = 3;
  return h;
}

class LiveStatsRepositoryTest : public test::BackendTest {};

TEST_P(LiveStatsRepositoryTest, HealthRoundTripsEveryField) {
  ASSERT_TRUE(store_->put_health("ls_a", "node-1", sample_health(), kT).ok());
  auto got = store_->get_health("ls_a", kT - 10000);
  ASSERT_TRUE(got.ok()) << got.error().describe();
  ASSERT_TRUE(got->has_value());
  const media::StreamHealth& h = **got;
  media::StreamHealth want = sample_health();
  EXPECT_EQ(h.status, want.status);
  EXPECT_EQ(h.reason, want.reason);
  EXPECT_EQ(h.video_bitrate_kbps, want.video_bitrate_kbps);
  EXPECT_EQ(h.audio_bitrate_kbps, want.audio_bitrate_kbps);
  EXPECT_DOUBLE_EQ(h.fps, want.fps);
  EXPECT_EQ(h.keyframe_interval_s, want.keyframe_interval_s);
  EXPECT_EQ(h.width, want.width);
  EXPECT_EQ(h.height, want.height);
  EXPECT_EQ(h.video_codec, want.video_codec);
  EXPECT_EQ(h.audio_codec, want.audio_codec);
  EXPECT_EQ(h.last_frame_at_ms, want.last_frame_at_ms);
  EXPECT_EQ(h.dropped_gops, want.dropped_gops);
}

TEST_P(LiveStatsRepositoryTest, UnknownFiguresStayUnknown) {
  media::StreamHealth empty;  // starving, nothing known yet
  ASSERT_TRUE(store_->put_health("ls_a", "node-1", empty, kT).ok());
  auto got = store_->get_health("ls_a", kT);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, media::HealthStatus::Starving);
  EXPECT_FALSE((*got)->keyframe_interval_s);
  EXPECT_FALSE((*got)->width);
  EXPECT_FALSE((*got)->last_frame_at_ms);
  EXPECT_EQ((*got)->video_codec, "");
}

TEST_P(LiveStatsRepositoryTest, HealthIsReplacedAndOnlyFreshRowsCount) {
  ASSERT_TRUE(store_->put_health("ls_a", "node-1", media::StreamHealth{}, kT).ok());
  ASSERT_TRUE(store_->put_health("ls_a", "node-2", sample_health(), kT + 2000).ok());
  auto got = store_->get_health("ls_a", kT + 1000);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->dropped_gops, 3);
  auto stale = store_->get_health("ls_a", kT + 2001);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->has_value());
  // Only the node that wrote the row removes it (node-1's session was taken over).
  ASSERT_TRUE(store_->remove_health("ls_a", "node-1").ok());
  EXPECT_TRUE(store_->get_health("ls_a", 0)->has_value());
  ASSERT_TRUE(store_->remove_health("ls_a", "node-2").ok());
  auto gone = store_->get_health("ls_a", 0);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_P(LiveStatsRepositoryTest, ViewersAreSummedOverFreshNodes) {
  ASSERT_TRUE(store_->put_viewers("edge-1", {{"le_a", 3}, {"le_b", 1}}, kT).ok());
  // Another node (process) on the same database.
  auto other = open();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->put_viewers("edge-2", {{"le_a", 2}}, kT + 5000).ok());
  auto both = store_->count_viewers("le_a", kT);
  ASSERT_TRUE(both.ok()) << both.error().describe();
  EXPECT_EQ(*both, 5);
  // edge-1 stopped reporting: its rows are too old for this bound.
  EXPECT_EQ(*store_->count_viewers("le_a", kT + 1), 2);
  EXPECT_EQ(*store_->count_viewers("le_b", kT), 1);
  EXPECT_EQ(*store_->count_viewers("le_none", kT), 0);
}

TEST_P(LiveStatsRepositoryTest, APutReplacesTheNodesRows) {
  ASSERT_TRUE(store_->put_viewers("edge-1", {{"le_a", 3}, {"le_b", 1}}, kT).ok());
  ASSERT_TRUE(store_->put_viewers("edge-2", {{"le_b", 4}}, kT).ok());
  ASSERT_TRUE(store_->put_viewers("edge-1", {{"le_a", 7}}, kT + 2000).ok());
  EXPECT_EQ(*store_->count_viewers("le_a", kT), 7);
  EXPECT_EQ(*store_->count_viewers("le_b", kT), 4);  // edge-1 has none there any more
  ASSERT_TRUE(store_->put_viewers("edge-1", {}, kT + 4000).ok());
  EXPECT_EQ(*store_->count_viewers("le_a", kT), 0);
}

TEST_P(LiveStatsRepositoryTest, ManyStreamsInOnePut) {
  std::map<std::string, int64_t> counts;
  for (int i = 0; i < 450; ++i) {  // more than one statement's worth
    counts["le_" + std::to_string(i)] = i + 1;
  }
  ASSERT_TRUE(store_->put_viewers("edge-1", counts, kT).ok());
  EXPECT_EQ(*store_->count_viewers("le_0", kT), 1);
  EXPECT_EQ(*store_->count_viewers("le_449", kT), 450);
}

TEST_P(LiveStatsRepositoryTest, PurgeDeletesOldRowsOnly) {
  ASSERT_TRUE(store_->put_health("ls_old", "node-1", sample_health(), kT).ok());
  ASSERT_TRUE(store_->put_health("ls_new", "node-1", sample_health(), kT + 60000).ok());
  ASSERT_TRUE(store_->put_viewers("edge-1", {{"le_a", 1}}, kT).ok());
  ASSERT_TRUE(store_->put_viewers("edge-2", {{"le_a", 2}}, kT + 60000).ok());
  ASSERT_TRUE(store_->purge_live_stats(kT + 1).ok());
  EXPECT_FALSE(store_->get_health("ls_old", 0)->has_value());
  EXPECT_TRUE(store_->get_health("ls_new", 0)->has_value());
  EXPECT_EQ(*store_->count_viewers("le_a", 0), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, LiveStatsRepositoryTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace antcdn::store
