// The repository contract, run against every store: SQLite always, PostgreSQL
// when ANTCDN_TEST_POSTGRES_URL names a server (see store_backends.h). Backend
// specifics live in sqlite_store_test.cc and pg_store_test.cc.

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "store/repositories.h"
#include "unit/store/records.h"
#include "unit/store/store_backends.h"

namespace antcdn::store {
namespace {

using test::expect_same;
using test::make_stream;

class RepositoryTest : public test::BackendTest {};

TEST_P(RepositoryTest, CreateGetAndFind) {
  StreamRecord r = make_stream("key_a", "Friday");
  r.started_at_ms = 5;
  auto created = store_->create(r);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  EXPECT_GT(created->seq, 0);
  auto got = store_->get(r.stream_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->name, "Friday");
  EXPECT_EQ((*got)->edge_id, r.edge_id);
  EXPECT_EQ((*got)->started_at_ms, 5);
  EXPECT_FALSE((*got)->ended_at_ms.has_value());
  EXPECT_EQ((*got)->stream_key_hash, r.stream_key_hash);
  EXPECT_EQ((*got)->ingest_node, "");
  EXPECT_FALSE((*got)->lease_until_ms.has_value());
  EXPECT_EQ((*got)->latency_mode, media::LatencyMode::Low);  // the default
  auto by_key = store_->find_by_key_hash(r.stream_key_hash);
  ASSERT_TRUE(by_key.ok() && by_key->has_value());
  EXPECT_EQ((*by_key)->stream_id, r.stream_id);
  auto by_edge = store_->find_by_edge_id(r.edge_id);
  ASSERT_TRUE(by_edge.ok() && by_edge->has_value());
  EXPECT_EQ((*by_edge)->stream_id, r.stream_id);

  auto missing = store_->get("ls_00000000000000000000000000");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_FALSE(store_->find_by_key_hash(crypto::sha256("nope"))->has_value());
  EXPECT_FALSE(store_->find_by_edge_id("lse_00000000000000000000000000")->has_value());
}

TEST_P(RepositoryTest, CreateAndUpdatePersistEveryField) {
  StreamRecord r = make_stream("key_a", "all fields");
  r.state = media::StreamState::Live;
  r.quality = media::Quality::High;
  r.reconnect_window_s = 120;
  r.started_at_ms = 1700000001000;
  r.ended_at_ms = 1700000002000;
  r.error_reason = "encoder went away";
  r.ingest_node = "node-a";
  r.lease_until_ms = 1700000003000;
  r.latency_mode = media::LatencyMode::Standard;
  auto created = store_->create(r);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  r.seq = created->seq;
  expect_same(**store_->get(r.stream_id), r);

  StreamRecord changed = r;
  auto updated = store_->update(r.stream_id, [&](StreamRecord& s) -> Status {
    s.name = "renamed";
    s.state = media::StreamState::Ended;
    s.quality = media::Quality::Passthrough;
    s.reconnect_window_s = 30;
    s.started_at_ms = std::nullopt;
    s.ended_at_ms = 1700000009000;
    s.error_reason = "";
    s.stream_key_hash = crypto::sha256("rotated");
    s.ingest_node = "";
    s.lease_until_ms = std::nullopt;
    s.latency_mode = media::LatencyMode::Low;
    changed = s;
    return {};
  });
  ASSERT_TRUE(updated.ok()) << updated.error().describe();
  expect_same(*updated, changed);
  expect_same(**store_->get(r.stream_id), changed);
  EXPECT_TRUE(store_->find_by_key_hash(crypto::sha256("rotated"))->has_value());
  EXPECT_FALSE(store_->find_by_key_hash(r.stream_key_hash)->has_value());

  // A lease taken by another node, as multi-node ingest will do.
  ASSERT_TRUE(store_
                  ->update(r.stream_id,
                           [](StreamRecord& s) -> Status {
                             s.ingest_node = "node-b";
                             s.lease_until_ms = 1700000010000;
                             return {};
                           })
                  .ok());
  auto leased = *store_->get(r.stream_id);
  EXPECT_EQ(leased->ingest_node, "node-b");
  EXPECT_EQ(leased->lease_until_ms, 1700000010000);
}

TEST_P(RepositoryTest, TextIsStoredVerbatim) {
  StreamRecord r =
      make_stream("key_'\"", "Robert'); DROP TABLE streams; -- \\ \xc3\xa9\xe2\x9c\x93");
  r.error_reason = "line one\nline two\t$1 ?";
  ASSERT_TRUE(store_->create(r).ok());
  auto got = *store_->get(r.stream_id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name, r.name);
  EXPECT_EQ(got->owner_key_id, r.owner_key_id);
  EXPECT_EQ(got->error_reason, r.error_reason);
  EXPECT_EQ(store_->list("key_'\"", 10, std::nullopt)->size(), 1u);
}

TEST_P(RepositoryTest, ListIsNewestFirstAndPerOwner) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->create(make_stream("key_a", "a" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(store_->create(make_stream("key_b", "b")).ok());
  auto page = store_->list("key_a", 3, std::nullopt);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].name, "a4");
  EXPECT_EQ((*page)[2].name, "a2");
  EXPECT_GT((*page)[0].seq, (*page)[1].seq);
  auto next = store_->list("key_a", 3, page->back().seq);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[1].name, "a0");
  EXPECT_TRUE(store_->list("key_a", 3, next->back().seq)->empty());
  EXPECT_EQ(store_->list("key_b", 10, std::nullopt)->size(), 1u);
  EXPECT_TRUE(store_->list("key_c", 10, std::nullopt)->empty());
  EXPECT_TRUE(store_->list("key_a", 0, std::nullopt)->empty());
  // A negative limit is no limit (SQLite's LIMIT -1).
  EXPECT_EQ(store_->list("key_a", -1, std::nullopt)->size(), 5u);
}

TEST_P(RepositoryTest, CountOwnedCountsOneKeysStreams) {
  EXPECT_EQ(*store_->count_owned("key_a"), 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->create(make_stream("key_a", "a" + std::to_string(i))).ok());
  }
  StreamRecord b = make_stream("key_b", "b");
  ASSERT_TRUE(store_->create(b).ok());
  EXPECT_EQ(*store_->count_owned("key_a"), 3);
  EXPECT_EQ(*store_->count_owned("key_b"), 1);
  ASSERT_TRUE(store_->remove(b.stream_id, [](const StreamRecord&) { return Status{}; }).ok());
  EXPECT_EQ(*store_->count_owned("key_b"), 0);
}

TEST_P(RepositoryTest, CountByStateCountsEveryStream) {
  EXPECT_TRUE(store_->count_by_state()->empty());
  int n = 0;
  for (auto [state, copies] :
       {std::pair{media::StreamState::Idle, 3}, std::pair{media::StreamState::Live, 2},
        std::pair{media::StreamState::Error, 1}}) {
    for (int i = 0; i < copies; ++i) {
      StreamRecord r = make_stream(i % 2 == 0 ? "key_a" : "key_b", "s" + std::to_string(n++));
      r.state = state;
      ASSERT_TRUE(store_->create(r).ok());
    }
  }
  auto counts = store_->count_by_state();
  ASSERT_TRUE(counts.ok()) << counts.error().describe();
  EXPECT_EQ(*counts, (std::map<media::StreamState, int64_t>{{media::StreamState::Idle, 3},
                                                            {media::StreamState::Live, 2},
                                                            {media::StreamState::Error, 1}}));
}

TEST_P(RepositoryTest, ListOnAirIsConnectingAndLive) {
  std::vector<std::string> on_air;
  for (auto state :
       {media::StreamState::Idle, media::StreamState::Connecting, media::StreamState::Live,
        media::StreamState::Ended, media::StreamState::Error}) {
    StreamRecord r = make_stream("key_a", std::string(media::to_string(state)));
    r.state = state;
    ASSERT_TRUE(store_->create(r).ok());
    if (state == media::StreamState::Connecting || state == media::StreamState::Live) {
      on_air.push_back(r.stream_id);
    }
  }
  auto rows = store_->list_on_air();
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> ids;
  for (const auto& r : *rows) {
    ids.push_back(r.stream_id);
  }
  std::sort(ids.begin(), ids.end());
  std::sort(on_air.begin(), on_air.end());
  EXPECT_EQ(ids, on_air);
}

TEST_P(RepositoryTest, UpdateIsAllOrNothing) {
  StreamRecord r = make_stream("key_a", "before");
  ASSERT_TRUE(store_->create(r).ok());
  auto refused = store_->update(r.stream_id, [](StreamRecord& s) -> Status {
    s.name = "half-done";
    return make_error(Code::Conflict, "no");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::Conflict);
  EXPECT_EQ((*store_->get(r.stream_id))->name, "before");

  auto updated = store_->update(r.stream_id, [](StreamRecord& s) -> Status {
    s.name = "after";
    s.state = media::StreamState::Live;
    s.ended_at_ms = 42;
    return {};
  });
  ASSERT_TRUE(updated.ok());
  auto got = *store_->get(r.stream_id);
  EXPECT_EQ(got->name, "after");
  EXPECT_EQ(got->state, media::StreamState::Live);
  EXPECT_EQ(got->ended_at_ms, 42);
  EXPECT_EQ(store_->update("ls_00000000000000000000000000", [](StreamRecord&) { return Status{}; })
                .error()
                .code,
            Code::NotFound);
}

TEST_P(RepositoryTest, UniqueColumnsConflict) {
  StreamRecord r = make_stream("key_a", "first");
  ASSERT_TRUE(store_->create(r).ok());
  StreamRecord same_id = make_stream("key_a", "x");
  same_id.stream_id = r.stream_id;
  StreamRecord same_edge = make_stream("key_a", "x");
  same_edge.edge_id = r.edge_id;
  StreamRecord same_key = make_stream("key_a", "x");
  same_key.stream_key_hash = r.stream_key_hash;
  for (const auto& dup : {same_id, same_edge, same_key}) {
    auto created = store_->create(dup);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, Code::Conflict) << created.error().describe();
  }
  // Rotating onto another stream's key is refused the same way, and changes nothing.
  StreamRecord other = make_stream("key_a", "second");
  ASSERT_TRUE(store_->create(other).ok());
  auto rotated = store_->update(other.stream_id, [&](StreamRecord& s) -> Status {
    s.stream_key_hash = r.stream_key_hash;
    s.name = "changed";
    return {};
  });
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.error().code, Code::Conflict);
  EXPECT_EQ((*store_->get(other.stream_id))->name, "second");

  ApiKeyRecord k{.key_id = "key_1", .name = "ci", .key_hash = crypto::sha256("k1")};
  ASSERT_TRUE(store_->create_key(k).ok());
  ApiKeyRecord same_hash{.key_id = "key_2", .name = "ci", .key_hash = crypto::sha256("k1")};
  EXPECT_EQ(store_->create_key(same_hash).error().code, Code::Conflict);
  ApiKeyRecord same_key_id{.key_id = "key_1", .name = "ci", .key_hash = crypto::sha256("k2")};
  EXPECT_EQ(store_->create_key(same_key_id).error().code, Code::Conflict);
  // The store is still usable after the refused writes.
  EXPECT_EQ(store_->list("key_a", 10, std::nullopt)->size(), 2u);
  EXPECT_EQ(store_->list_keys()->size(), 1u);
}

TEST_P(RepositoryTest, RemoveHonoursPrecondition) {
  StreamRecord r = make_stream("key_a", "x");
  ASSERT_TRUE(store_->create(r).ok());
  auto refused = store_->remove(r.stream_id, [](const StreamRecord&) -> Status {
    return make_error(Code::Conflict, "live");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::Conflict);
  EXPECT_TRUE(store_->get(r.stream_id)->has_value());
  EXPECT_TRUE(store_->remove(r.stream_id, [](const StreamRecord&) { return Status{}; }).ok());
  EXPECT_FALSE(store_->get(r.stream_id)->has_value());
  EXPECT_EQ(store_->remove(r.stream_id, [](const StreamRecord&) { return Status{}; }).error().code,
            Code::NotFound);
}

TEST_P(RepositoryTest, ApiKeysRevoke) {
  ApiKeyRecord k{
      .key_id = "key_1", .name = "ci", .key_hash = crypto::sha256("k1"), .created_at_ms = 1};
  ASSERT_TRUE(store_->create_key(k).ok());
  auto active = store_->find_active_key(crypto::sha256("k1"));
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->key_id, "key_1");
  EXPECT_EQ((*active)->name, "ci");
  EXPECT_EQ((*active)->key_hash, crypto::sha256("k1"));
  EXPECT_FALSE((*active)->revoked_at_ms.has_value());
  EXPECT_FALSE(store_->find_active_key(crypto::sha256("k2"))->has_value());
  ASSERT_TRUE(store_->revoke_key("key_1", 2).ok());
  EXPECT_FALSE(store_->find_active_key(crypto::sha256("k1"))->has_value());
  EXPECT_EQ(store_->revoke_key("key_1", 3).error().code, Code::NotFound);
  EXPECT_EQ(store_->revoke_key("key_nope", 3).error().code, Code::NotFound);
  auto keys = store_->list_keys();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].revoked_at_ms, 2);
}

TEST_P(RepositoryTest, ListKeysIsOldestFirstThenInsertionOrder) {
  ASSERT_TRUE(store_->list_keys()->empty());
  for (auto [id, created] : {std::pair{"key_c", 20}, {"key_a", 10}, {"key_d", 20}, {"key_b", 5}}) {
    ApiKeyRecord k{.key_id = id,
                   .name = id,
                   .key_hash = crypto::sha256(id),
                   .created_at_ms = created,
                   .revoked_at_ms =
                       std::string_view(id) == "key_d" ? std::optional<int64_t>(30) : std::nullopt};
    ASSERT_TRUE(store_->create_key(k).ok());
  }
  auto keys = store_->list_keys();
  ASSERT_TRUE(keys.ok());
  std::vector<std::string> order;
  for (const auto& k : *keys) {
    order.push_back(k.key_id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"key_b", "key_a", "key_c", "key_d"}));
  EXPECT_EQ(keys->back().revoked_at_ms, 30);
  EXPECT_FALSE(store_->find_active_key(crypto::sha256("key_d"))->has_value());
}

TEST_P(RepositoryTest, SurvivesReopen) {
  StreamRecord r = make_stream("key_a", "durable");
  r.ingest_node = "node-a";
  ASSERT_TRUE(store_->create(r).ok());
  store_.reset();
  store_ = open();
  ASSERT_NE(store_, nullptr);
  auto got = *store_->get(r.stream_id);
  EXPECT_EQ(got->name, "durable");
  EXPECT_EQ(got->ingest_node, "node-a");
}

// Two stores stand for two nodes (processes) on one database; two threads share
// each. A read-modify-write never loses another's write.
TEST_P(RepositoryTest, ConcurrentUpdatesLoseNothing) {
  std::unique_ptr<Store> second = open();
  ASSERT_NE(second, nullptr);
  StreamRecord r = make_stream("key_a", "counter");
  r.reconnect_window_s = 0;
  ASSERT_TRUE(store_->create(r).ok());
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (Store* s : {store_.get(), store_.get(), second.get(), second.get()}) {
    threads.emplace_back([&, s] {
      for (int i = 0; i < kPerThread; ++i) {
        auto u = s->update(r.stream_id, [](StreamRecord& x) -> Status {
          ++x.reconnect_window_s;
          return {};
        });
        failures += u.ok() ? 0 : 1;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ((*second->get(r.stream_id))->reconnect_window_s, 4 * kPerThread);
}

// The API's 409 rules are checks inside update(): when two nodes race to make
// the same transition, exactly one wins and the other sees the new state.
TEST_P(RepositoryTest, RacingTransitionsHaveOneWinner) {
  std::unique_ptr<Store> second = open();
  ASSERT_NE(second, nullptr);
  for (int round = 0; round < 5; ++round) {
    StreamRecord r = make_stream("key_a", "race");
    ASSERT_TRUE(store_->create(r).ok());
    std::latch start(2);
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    auto contender = [&](Store* s, std::string node) {
      start.arrive_and_wait();
      auto u = s->update(r.stream_id, [&](StreamRecord& x) -> Status {
        if (x.state != media::StreamState::Idle) {
          return make_error(Code::Conflict, "already " + std::string(media::to_string(x.state)));
        }
        x.state = media::StreamState::Connecting;
        x.ingest_node = node;
        return {};
      });
      (u.ok() ? wins : conflicts) += 1;
      if (!u.ok()) {
        EXPECT_EQ(u.error().code, Code::Conflict) << u.error().describe();
      }
    };
    std::thread a(contender, store_.get(), "node-a");
    std::thread b(contender, second.get(), "node-b");
    a.join();
    b.join();
    EXPECT_EQ(wins, 1);
    EXPECT_EQ(conflicts, 1);
    auto got = *store_->get(r.stream_id);
    EXPECT_EQ(got->state, media::StreamState::Connecting);
    EXPECT_TRUE(got->ingest_node == "node-a" || got->ingest_node == "node-b");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RepositoryTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace antcdn::store
