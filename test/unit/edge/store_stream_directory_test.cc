#include "edge/store_stream_directory.h"

#include <functional>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace antcdn::edge {
namespace {

using namespace std::chrono_literals;
using media::StreamState;

// Only find_by_edge_id matters here; it counts queries and can fail.
class FakeStreams final : public store::StreamRepository {
 public:
  Result<std::optional<store::StreamRecord>> find_by_edge_id(const std::string& edge_id) override {
    ++queries;
    if (failing) {
      return make_error(Code::Unavailable, "database is locked");
    }
    auto it = records.find(edge_id);
    return it == records.end() ? std::optional<store::StreamRecord>() : std::optional(it->second);
  }

  Result<store::StreamRecord> create(store::StreamRecord) override { return unused(); }
  Result<std::optional<store::StreamRecord>> get(const std::string&) override { return unused(); }
  Result<std::optional<store::StreamRecord>> find_by_key_hash(const crypto::Sha256&) override {
    return unused();
  }
  Result<std::vector<store::StreamRecord>> list(const std::string&, int,
                                                std::optional<int64_t>) override {
    return unused();
  }
  Result<int64_t> count_owned(const std::string&) override { return unused(); }
  Result<std::map<StreamState, int64_t>> count_by_state() override { return unused(); }
  Result<std::vector<store::StreamRecord>> list_on_air() override { return unused(); }
  Result<store::StreamRecord> update(const std::string&, const Mutation&) override {
    return unused();
  }
  Status remove(const std::string&, const Precondition&) override { return unused(); }

  void add(const std::string& edge_id, StreamState state) {
    store::StreamRecord r;
    r.stream_id = "ls_secret";
    r.edge_id = edge_id;
    r.state = state;
    r.started_at_ms = 1000;
    records[edge_id] = r;
  }

  std::map<std::string, store::StreamRecord> records;
  int queries = 0;
  bool failing = false;

 private:
  static Error unused() { return make_error(Code::Internal, "not used by the edge"); }
};

class StoreStreamDirectoryTest : public ::testing::Test {
 protected:
  StoreStreamDirectoryOptions options(size_t max_entries = 100) {
    StoreStreamDirectoryOptions o;
    o.ttl = 1000ms;
    o.max_entries = max_entries;
    o.now = [this] { return now_; };
    return o;
  }

  FakeStreams streams_;
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(StoreStreamDirectoryTest, MapsTheRecordToWhatTheEdgeMayShow) {
  streams_.add("lse_a", StreamState::Live);
  StoreStreamDirectory directory(streams_, options());
  auto info = directory.lookup("lse_a");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, StreamState::Live);
  EXPECT_EQ(info->started_at_ms, 1000);
  EXPECT_FALSE(info->ended_at_ms.has_value());
  EXPECT_EQ(info->latency_mode, media::LatencyMode::Low);
  streams_.add("lse_plain", StreamState::Idle);
  streams_.records["lse_plain"].latency_mode = media::LatencyMode::Standard;
  EXPECT_EQ(directory.lookup("lse_plain")->latency_mode, media::LatencyMode::Standard);
}

TEST_F(StoreStreamDirectoryTest, AnswersFromCacheWithinTheTtl) {
  streams_.add("lse_a", StreamState::Live);
  StoreStreamDirectory directory(streams_, options());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(directory.lookup("lse_a").has_value());
    now_ += 99ms;
  }
  EXPECT_EQ(streams_.queries, 1);
  streams_.records["lse_a"].state = StreamState::Ended;
  now_ += 10ms;  // 1000 ms after the first query
  EXPECT_EQ(directory.lookup("lse_a")->state, StreamState::Ended);
  EXPECT_EQ(streams_.queries, 2);
}

TEST_F(StoreStreamDirectoryTest, UnknownIdsAreCachedToo) {
  StoreStreamDirectory directory(streams_, options());
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(directory.lookup("lse_nope").has_value());
  }
  EXPECT_EQ(streams_.queries, 1);
  streams_.add("lse_nope", StreamState::Idle);  // created meanwhile: visible after the TTL
  now_ += 1s;
  EXPECT_TRUE(directory.lookup("lse_nope").has_value());
}

TEST_F(StoreStreamDirectoryTest, DeletionIsSeenAfterTheTtl) {
  streams_.add("lse_a", StreamState::Ended);
  StoreStreamDirectory directory(streams_, options());
  ASSERT_TRUE(directory.lookup("lse_a").has_value());
  streams_.records.clear();
  now_ += 1s;
  EXPECT_FALSE(directory.lookup("lse_a").has_value());
}

TEST_F(StoreStreamDirectoryTest, DatabaseFailureServesTheLastAnswerAndBacksOff) {
  streams_.add("lse_a", StreamState::Live);
  StoreStreamDirectory directory(streams_, options());
  ASSERT_TRUE(directory.lookup("lse_a").has_value());
  streams_.failing = true;
  now_ += 2s;
  auto info = directory.lookup("lse_a");
  ASSERT_TRUE(info.has_value()) << "a DB hiccup must not 404 a live stream";
  EXPECT_EQ(info->state, StreamState::Live);
  EXPECT_FALSE(directory.lookup("lse_b").has_value());
  EXPECT_EQ(streams_.queries, 3);
  directory.lookup("lse_a");
  directory.lookup("lse_b");
  EXPECT_EQ(streams_.queries, 3) << "failures are cached for a TTL as well";
}

TEST_F(StoreStreamDirectoryTest, CacheSizeIsBounded) {
  StoreStreamDirectory directory(streams_, options(8));
  for (int i = 0; i < 100; ++i) {
    directory.lookup("lse_" + std::to_string(i));
    now_ += 1ms;
  }
  EXPECT_LE(directory.cached_entries(), 8u);
  // Expired entries are the first to go.
  now_ += 1s;
  directory.lookup("lse_x");
  EXPECT_EQ(directory.cached_entries(), 1u);
}

TEST_F(StoreStreamDirectoryTest, DefaultClockWorks) {
  streams_.add("lse_a", StreamState::Live);
  StoreStreamDirectory directory(streams_);
  EXPECT_TRUE(directory.lookup("lse_a").has_value());
  EXPECT_TRUE(directory.lookup("lse_a").has_value());
  EXPECT_EQ(streams_.queries, 1);
}

// A slow database never holds a viewer: a known stream is answered from its
// expired entry at once while the refresh runs in the background.
TEST_F(StoreStreamDirectoryTest, AsyncLookupsAnswerFromAnExpiredEntryWhileRefreshing) {
  streams_.add("lse_a", StreamState::Live);
  std::vector<std::function<void()>> queued;  // the "background pool", run by hand
  auto o = options();
  o.background = [&](std::function<void()> job) { queued.push_back(std::move(job)); };
  StoreStreamDirectory directory(streams_, o);

  std::optional<std::optional<EdgeStreamInfo>> answer;
  directory.lookup_async("lse_a", [&](std::optional<EdgeStreamInfo> i) { answer = i; });
  EXPECT_FALSE(answer.has_value()) << "unknown yet: asked in the background";
  ASSERT_EQ(queued.size(), 1U);
  queued.front()();
  queued.clear();
  ASSERT_TRUE(answer.has_value() && answer->has_value());

  streams_.add("lse_a", StreamState::Ended);
  now_ += 1500ms;  // expired, within serve_stale
  for (int i = 0; i < 3; ++i) {
    answer.reset();
    directory.lookup_async("lse_a", [&](std::optional<EdgeStreamInfo> i) { answer = i; });
    ASSERT_TRUE(answer.has_value()) << "answered at once";
    EXPECT_EQ((*answer)->state, StreamState::Live) << "the last known state";
  }
  ASSERT_EQ(queued.size(), 1U) << "one refresh for all of them";
  queued.front()();
  answer.reset();
  directory.lookup_async("lse_a", [&](std::optional<EdgeStreamInfo> i) { answer = i; });
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ((*answer)->state, StreamState::Ended) << "refreshed";
}

// Only count_viewers matters to the edge; it records the bound it was asked for.
class FakeFigures final : public store::LiveStatsRepository {
 public:
  Result<int64_t> count_viewers(const std::string& edge_id, int64_t fresh_since_ms) override {
    ++queries;
    asked_since = fresh_since_ms;
    if (failing) {
      return make_error(Code::Unavailable, "database is locked");
    }
    return edge_id == "lse_a" ? 7 : 0;
  }
  Status put_health(const std::string&, const std::string&, const media::StreamHealth&,
                    int64_t) override {
    return unused();
  }
  Status remove_health(const std::string&, const std::string&) override { return unused(); }
  Result<std::optional<media::StreamHealth>> get_health(const std::string&, int64_t) override {
    return unused();
  }
  Status put_viewers(const std::string&, const std::map<std::string, int64_t>&, int64_t) override {
    return unused();
  }
  Status purge_live_stats(int64_t) override { return unused(); }

  int queries = 0;
  int64_t asked_since = 0;
  bool failing = false;

 private:
  static Error unused() { return make_error(Code::Internal, "not used by the edge"); }
};

TEST_F(StoreStreamDirectoryTest, ViewersOfStreamsThatAreNotIdle) {
  FakeFigures figures;
  streams_.add("lse_a", StreamState::Live);
  streams_.add("lse_idle", StreamState::Idle);
  auto o = options();
  o.figures = &figures;
  o.unix_now_ms = [] { return int64_t{50000}; };
  StoreStreamDirectory directory(streams_, o);
  EXPECT_EQ(directory.lookup("lse_a")->viewers, 7);
  EXPECT_EQ(figures.asked_since, 40000);  // rows of the last 10 s
  EXPECT_EQ(directory.lookup("lse_idle")->viewers, 0);
  EXPECT_EQ(figures.queries, 1);  // an idle stream has none: not asked
  // A failing count keeps the last one known.
  figures.failing = true;
  now_ += 1000ms;
  EXPECT_EQ(directory.lookup("lse_a")->viewers, 7);
  EXPECT_EQ(figures.queries, 2);
}

// /vod/ URLs: a recording (rows in a real SQLite file) is found only through
// its own stream's edge id; a deleted one goes after the TTL.
TEST_F(StoreStreamDirectoryTest, ARecordingIsFoundThroughItsOwnStreamOnly) {
  test::TempDir dir;
  auto db = store::sqlite::SqliteStore::open(dir.file("antcdn.db"));
  ASSERT_TRUE(db.ok()) << db.error().describe();
  store::RecordingRepository& recordings = (*db)->recordings();
  const std::string id = ids::new_recording_id(1000);
  ASSERT_TRUE(recordings
                  .create_recording({.recording_id = id,
                                     .stream_id = "ls_a",
                                     .edge_id = "lse_a",
                                     .owner_key_id = "key_a",
                                     .node_id = "node-1",
                                     .started_at_ms = 1000})
                  .ok());
  auto o = options();
  o.recordings = &recordings;
  StoreStreamDirectory directory(streams_, o);
  auto has = [&](const std::string& edge_id, const std::string& recording_id) {
    std::optional<bool> answer;
    directory.has_recording_async(edge_id, recording_id, [&](bool ours) { answer = ours; });
    EXPECT_TRUE(answer.has_value()) << "without a background pool it answers at once";
    return answer.value_or(false);
  };
  EXPECT_TRUE(has("lse_a", id));
  EXPECT_FALSE(has("lse_b", id)) << "another stream's edge id";
  EXPECT_FALSE(has("lse_a", ids::new_recording_id(2000))) << "no such recording";
  EXPECT_FALSE(has("", id));

  ASSERT_TRUE(recordings.remove_recording(id).ok());
  EXPECT_TRUE(has("lse_a", id)) << "cached within the TTL";
  now_ += 1001ms;
  EXPECT_FALSE(has("lse_a", id)) << "deleted";
}

}  // namespace
}  // namespace antcdn::edge
