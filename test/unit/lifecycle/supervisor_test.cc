// The Supervisor as one of several nodes sharing a store: publish leases, the
// watch that reacts to changes made elsewhere, and recovery after a restart.
// Two supervisors on one SQLite file stand for two ingest nodes.

#include "lifecycle/supervisor.h"

#include <chrono>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "common/ids.h"
#include "common/time_util.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace antcdn::lifecycle {
namespace {

using namespace std::chrono_literals;

class NullSink final : public media::AccessUnitSink {
 public:
  void on_tracks(const std::vector<media::TrackInfo>&) override {}
  void on_access_unit(media::AccessUnit&& /*unit*/) override {}
  void on_end(media::EndReason reason) override { ended = reason; }
  std::optional<media::EndReason> ended;
};

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open(dir_.file("antcdn.db"));
    ASSERT_TRUE(opened.ok()) << opened.error().describe();
    store_ = std::move(*opened);
    store::StreamRecord r;
    r.stream_id = ids::new_stream_id(unix_now_ms());
    r.edge_id = ids::new_edge_id(unix_now_ms());
    r.owner_key_id = "key_test";
    r.name = "test";
    r.created_at_ms = unix_now_ms();
    r.stream_key_hash = ids::credential_hash(key_);
    auto created = store_->create(r);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    stream_id_ = created->stream_id;
  }

  std::unique_ptr<Supervisor> node(const std::string& id, bool ingest_role = true) {
    SupervisorOptions o{.node_id = id,
                        .ingest_role = ingest_role,
                        .lease = 2s,
                        .watch_interval = std::chrono::milliseconds(10)};
    return std::make_unique<Supervisor>(
        loop_, *store_, [this](const store::StreamRecord&) { return sink_; }, o,
        [this](const store::StreamRecord& s) { abandoned_.push_back(s.stream_id); });
  }

  Result<PublishGrant> publish(Supervisor& s, bool* disconnected = nullptr) {
    return s.authorize(PublishRequest{.stream_key = Secret(std::string(key_.reveal())),
                                      .remote_address = "127.0.0.1",
                                      .disconnect = [disconnected] {
                                        if (disconnected) {
                                          *disconnected = true;
                                        }
                                      }});
  }

  store::StreamRecord record() { return **store_->get(stream_id_); }

  // Runs the loop (the watches of every started supervisor) for a while.
  void run_watches(std::chrono::milliseconds d = 100ms) {
    loop_.context().restart();
    loop_.context().run_for(d);
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  net::EventLoop loop_;
  Secret key_ = ids::new_stream_key();
  std::string stream_id_;
  std::shared_ptr<NullSink> sink_ = std::make_shared<NullSink>();
  std::vector<std::string> abandoned_;
};

TEST_F(SupervisorTest, APublishTakesTheLeaseAndOtherNodesRefuseTheStream) {
  auto a = node("a");
  auto b = node("b");
  ASSERT_TRUE(publish(*a).ok());
  auto r = record();
  EXPECT_EQ(r.state, State::Connecting);
  EXPECT_EQ(r.ingest_node, "a");
  ASSERT_TRUE(r.lease_until_ms.has_value());
  EXPECT_GT(*r.lease_until_ms, unix_now_ms());
  auto second = publish(*b);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Code::Conflict);
  EXPECT_EQ(record().ingest_node, "a") << "the refused node changed nothing";
}

TEST_F(SupervisorTest, TheHolderRenewsItsLeaseAndReleasesItAtTheEnd) {
  auto a = node("a");
  auto grant = publish(*a);
  ASSERT_TRUE(grant.ok());
  int64_t first = *record().lease_until_ms;
  a->start();
  // Renewal happens once a third of the lease has gone by.
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (*record().lease_until_ms == first && std::chrono::steady_clock::now() < deadline) {
    run_watches(50ms);
  }
  EXPECT_GT(*record().lease_until_ms, first);
  a->on_stopped(*grant, media::EndReason::Clean, "");
  auto r = record();
  EXPECT_EQ(r.state, State::Ended);
  EXPECT_TRUE(r.ingest_node.empty());
  EXPECT_FALSE(r.lease_until_ms.has_value());
}

// The API that rotated the key runs on another node: the holder notices on its
// next watch and disconnects the encoder.
TEST_F(SupervisorTest, AKeyRotatedElsewhereDisconnectsTheEncoder) {
  auto a = node("a");
  bool disconnected = false;
  ASSERT_TRUE(publish(*a, &disconnected).ok());
  a->start();
  run_watches();
  EXPECT_FALSE(disconnected);
  ASSERT_TRUE(store_
                  ->update(stream_id_,
                           [](store::StreamRecord& s) -> Status {
                             s.stream_key_hash = ids::credential_hash(ids::new_stream_key());
                             return {};
                           })
                  .ok());
  run_watches();
  EXPECT_TRUE(disconnected);
}

TEST_F(SupervisorTest, AnotherNodeEndsASessionWhoseLeaseExpired) {
  auto a = node("a");
  ASSERT_TRUE(publish(*a).ok());  // a never renews: it is "dead"
  auto b = node("b", /*ingest_role=*/false);
  b->start();
  run_watches();
  EXPECT_EQ(record().state, State::Connecting) << "the lease is still valid";
  EXPECT_TRUE(abandoned_.empty());
  ASSERT_TRUE(store_
                  ->update(stream_id_,
                           [](store::StreamRecord& s) -> Status {
                             s.lease_until_ms = unix_now_ms() - 1;
                             return {};
                           })
                  .ok());
  run_watches();
  EXPECT_EQ(record().state, State::Ended);
  EXPECT_EQ(abandoned_, std::vector<std::string>{stream_id_});
  EXPECT_TRUE(publish(*b).ok()) << "free again for any node";
}

// After a crash, the same node (same id) ends its old sessions at once instead
// of waiting for their leases.
TEST_F(SupervisorTest, ARestartedNodeEndsItsOwnOldSessionsAtOnce) {
  {
    auto before_crash = node("a");
    ASSERT_TRUE(publish(*before_crash).ok());
  }
  auto other = node("b");
  other->start();
  run_watches();
  EXPECT_EQ(record().state, State::Connecting) << "another node waits for the lease";
  auto a = node("a");
  a->start();
  run_watches();
  EXPECT_EQ(record().state, State::Ended);
  EXPECT_EQ(abandoned_, std::vector<std::string>{stream_id_});
}

}  // namespace
}  // namespace antcdn::lifecycle
