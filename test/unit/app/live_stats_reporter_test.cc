#include "app/live_stats_reporter.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace antcdn::app {
namespace {

constexpr int64_t kT = 1'700'000'000'000;

class LiveStatsReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::sqlite::SqliteStore::open(dir_.file("antcdn.db"));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_ = std::move(*s);
  }

  LiveStatsReporter reporter(std::string node) {
    return LiveStatsReporter(*store_, &board_, &viewers_, &gauge_,
                             {.node_id = std::move(node), .purge_every_passes = 2});
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  ingest::health::HealthBoard board_;
  edge::ViewerCounter viewers_{{}, 1};
  metrics::Gauge gauge_;
};

TEST_F(LiveStatsReporterTest, WritesHealthAndViewersAndRemovesEndedPublishes) {
  auto meter = board_.start("ls_a");
  meter->on_tracks({media::TrackInfo{.id = 1, .kind = media::MediaKind::Video}});
  meter->on_unit(media::AccessUnit{.track_id = 1, .arrival_unix_ms = kT, .data = Bytes(10)});
  viewers_.record("lse_a", 1, kT);
  viewers_.record("lse_a", 2, kT);
  viewers_.record("lse_b", 3, kT);
  auto r = reporter("node-1");
  r.report_once(kT + 1000);

  auto health = store_->get_health("ls_a", kT);
  ASSERT_TRUE(health.ok() && health->has_value());
  EXPECT_EQ((*health)->last_frame_at_ms, kT);
  EXPECT_EQ(*store_->count_viewers("lse_a", kT), 2);
  EXPECT_EQ(*store_->count_viewers("lse_b", kT), 1);
  EXPECT_EQ(gauge_.value(), 3);

  // The publish ends; the viewers of lse_b leave.
  meter->end();
  viewers_.record("lse_a", 1, kT + 8000);
  r.report_once(kT + 12000);
  EXPECT_FALSE(store_->get_health("ls_a", 0)->has_value());
  EXPECT_EQ(*store_->count_viewers("lse_a", 0), 1);
  EXPECT_EQ(*store_->count_viewers("lse_b", 0), 0);
  EXPECT_EQ(gauge_.value(), 1);
}

TEST_F(LiveStatsReporterTest, APipelineThatIsGoneCountsAsEnded) {
  {
    auto meter = board_.start("ls_a");
    auto r = reporter("node-1");
    r.report_once(kT);
    EXPECT_TRUE(store_->get_health("ls_a", 0)->has_value());
  }
  auto r = reporter("node-1");
  r.report_once(kT + 2000);
  EXPECT_FALSE(store_->get_health("ls_a", 0)->has_value());
}

TEST_F(LiveStatsReporterTest, PurgesRowsOfNodesThatWentAway) {
  ASSERT_TRUE(store_->put_viewers("gone-node", {{"lse_a", 5}}, kT).ok());
  ASSERT_TRUE(store_->put_health("ls_x", "gone-node", media::StreamHealth{}, kT).ok());
  auto r = reporter("node-1");
  r.report_once(kT + 61000);
  EXPECT_EQ(*store_->count_viewers("lse_a", 0), 5);  // purges every second pass here
  r.report_once(kT + 61000);
  EXPECT_EQ(*store_->count_viewers("lse_a", 0), 0);
  EXPECT_FALSE(store_->get_health("ls_x", 0)->has_value());
}

}  // namespace
}  // namespace antcdn::app
