// The Supervisor as one of several nodes sharing a store: publish leases, the
// watch that reacts to changes made elsewhere, and recovery after a restart.
// Two supervisors on one SQLite file stand for two ingest nodes.

#include "lifecycle/supervisor.h"

#include <chrono>
#include <functional>
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

// The store, until `down` is set: then every call is Unavailable, like a
// database that stopped answering.
class SwitchableStore final : public store::StreamRepository {
 public:
  store::StreamRepository* inner = nullptr;
  bool down = false;

  Result<store::StreamRecord> create(store::StreamRecord r) override {
    return down ? fail() : inner->create(std::move(r));
  }
  Result<std::optional<store::StreamRecord>> get(const std::string& id) override {
    return down ? fail() : inner->get(id);
  }
  Result<std::optional<store::StreamRecord>> find_by_key_hash(const crypto::Sha256& h) override {
    return down ? fail() : inner->find_by_key_hash(h);
  }
  Result<std::optional<store::StreamRecord>> find_by_edge_id(const std::string& id) override {
    return down ? fail() : inner->find_by_edge_id(id);
  }
  Result<std::vector<store::StreamRecord>> list(const std::string& owner, int limit,
                                                std::optional<int64_t> before) override {
    return down ? fail() : inner->list(owner, limit, before);
  }
  Result<int64_t> count_owned(const std::string& owner) override {
    return down ? fail() : inner->count_owned(owner);
  }
  Result<std::map<media::StreamState, int64_t>> count_by_state() override {
    return down ? fail() : inner->count_by_state();
  }
  Result<std::vector<store::StreamRecord>> list_on_air() override {
    return down ? fail() : inner->list_on_air();
  }
  Result<store::StreamRecord> update(const std::string& id, const Mutation& m) override {
    return down ? fail() : inner->update(id, m);
  }
  Status remove(const std::string& id, const Precondition& p) override {
    return down ? fail() : inner->remove(id, p);
  }

 private:
  static Error fail() { return make_error(Code::Unavailable, "database does not answer"); }
};

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open(dir_.file("antcdn.db"));
    ASSERT_TRUE(opened.ok()) << opened.error().describe();
    store_ = std::move(*opened);
    switchable_.inner = store_.get();
    stream_id_ = add_stream(key_, media::Quality::Standard);
  }

  // A stream with `key` and `quality`; returns its id.
  std::string add_stream(const Secret& key, media::Quality quality) {
    store::StreamRecord r;
    r.stream_id = ids::new_stream_id(unix_now_ms());
    r.edge_id = ids::new_edge_id(unix_now_ms());
    r.owner_key_id = "key_test";
    r.name = "test";
    r.quality = quality;
    r.created_at_ms = unix_now_ms();
    r.stream_key_hash = ids::credential_hash(key);
    auto created = store_->create(r);
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return created.ok() ? created->stream_id : std::string();
  }

  std::unique_ptr<Supervisor> node(const std::string& id, bool ingest_role = true,
                                   size_t max_transcodes = 0) {
    SupervisorOptions o{.node_id = id,
                        .ingest_role = ingest_role,
                        .lease = 2s,
                        .watch_interval = std::chrono::milliseconds(10),
                        .max_transcodes = max_transcodes};
    return std::make_unique<Supervisor>(
        loop_, switchable_,
        [this](const store::StreamRecord&, bool continue_stored) {
          continued_ = continue_stored;
          return sink_;
        },
        o, [this](const store::StreamRecord& s) { abandoned_.push_back(s.stream_id); });
  }

  // The answer is posted on the loop: run it until the answer arrives.
  Result<PublishGrant> publish(Supervisor& s, bool* disconnected = nullptr,
                               const Secret* key = nullptr) {
    std::optional<Result<PublishGrant>> answer;
    const Secret& k = key != nullptr ? *key : key_;
    s.authorize(PublishRequest{.stream_key = Secret(std::string(k.reveal())),
                               .remote_address = "127.0.0.1",
                               .disconnect =
                                   [disconnected] {
                                     if (disconnected) {
                                       *disconnected = true;
                                     }
                                   }},
                [&](Result<PublishGrant> r) { answer = std::move(r); });
    loop_.context().restart();
    while (!answer && loop_.context().run_one() > 0) {
    }
    if (!answer) {
      return make_error(Code::Internal, "no answer");
    }
    return std::move(*answer);
  }

  // Runs what the supervisor posted so far (no timers).
  void settle() {
    loop_.context().restart();
    loop_.context().poll();
  }

  store::StreamRecord record() { return record(stream_id_); }
  store::StreamRecord record(const std::string& id) { return **store_->get(id); }

  // Runs the loop until `done` or `limit`.
  void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      run_watches(20ms);
    }
  }

  // Runs the loop (the watches of every started supervisor) for a while.
  void run_watches(std::chrono::milliseconds d = 100ms) {
    loop_.context().restart();
    loop_.context().run_for(d);
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  SwitchableStore switchable_;  // in front of store_ for the supervisors
  net::EventLoop loop_{"lifecycle", net::LoopKind::Control};
  Secret key_ = ids::new_stream_key();
  std::string stream_id_;
  std::shared_ptr<NullSink> sink_ = std::make_shared<NullSink>();
  std::vector<std::string> abandoned_;
  std::optional<bool> continued_;  // what the last sink was built for
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
  settle();
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

// Another node holds the stream now (it took the session over): this node
// disconnects its encoder and ends its pipeline without writing anything, so
// neither the record nor the playlists the other node continues are touched.
TEST_F(SupervisorTest, ANodeThatSeesAnotherHolderGivesTheStreamUpWithoutWriting) {
  auto a = node("a");
  bool disconnected = false;
  auto grant = publish(*a, &disconnected);
  ASSERT_TRUE(grant.ok());
  a->start();
  ASSERT_TRUE(store_
                  ->update(stream_id_,
                           [](store::StreamRecord& s) -> Status {
                             s.ingest_node = "b";
                             return {};
                           })
                  .ok());
  run_until([&] { return disconnected; });
  ASSERT_TRUE(disconnected);
  a->on_stopped(*grant, media::EndReason::Dropped, "");
  settle();
  EXPECT_EQ(sink_->ended, media::EndReason::Abandoned);
  EXPECT_EQ(a->active_sessions(), 0U);
  auto r = record();
  EXPECT_EQ(r.ingest_node, "b");
  EXPECT_EQ(r.state, State::Connecting) << "the state is b's to change";
}

// The database stops answering: the lease cannot be renewed, so within one
// lease period the node stops the session (another node may take it once the
// lease expires). When the database is back, the stale session is ended.
TEST_F(SupervisorTest, ANodeThatCannotRenewItsLeaseStopsWithinOneLeasePeriod) {
  auto a = node("a");
  bool disconnected = false;
  auto grant = publish(*a, &disconnected);
  ASSERT_TRUE(grant.ok());
  a->start();
  switchable_.down = true;
  run_until([&] { return disconnected; });
  ASSERT_TRUE(disconnected);
  a->on_stopped(*grant, media::EndReason::Dropped, "");
  settle();
  EXPECT_EQ(sink_->ended, media::EndReason::Abandoned);
  switchable_.down = false;
  run_until([&] { return record().state == State::Ended; });
  EXPECT_EQ(record().state, State::Ended) << "the expired lease is ended once the store answers";
  EXPECT_EQ(abandoned_, std::vector<std::string>{stream_id_}) << "and its playlists closed";
}

// A state write that fails is not lost: the watch writes it once the store answers.
TEST_F(SupervisorTest, AFailedEndIsWrittenWhenTheStoreAnswersAgain) {
  auto a = node("a");
  auto grant = publish(*a);
  ASSERT_TRUE(grant.ok());
  switchable_.down = true;
  a->on_stopped(*grant, media::EndReason::Clean, "");
  settle();
  EXPECT_EQ(sink_->ended, media::EndReason::Clean) << "the media ends at once";
  EXPECT_EQ(record().state, State::Connecting);
  switchable_.down = false;
  a->start();
  run_until([&] { return record().state == State::Ended; });
  EXPECT_EQ(record().state, State::Ended);
  EXPECT_TRUE(abandoned_.empty()) << "written as this node's own end, not recovered";
}

// The encoder drops after going live and comes back through another ingest
// node within the reconnect window: that node takes the session over (its sink
// continues the stored playlists) and the first node ends its side without
// writing anything.
TEST_F(SupervisorTest, AReconnectThroughAnotherNodeTakesTheSessionOver) {
  auto a = node("a");
  bool a_disconnected = false;
  auto grant = publish(*a, &a_disconnected);
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(continued_, false);
  a->on_segments_ready(stream_id_);
  settle();
  ASSERT_EQ(record().state, State::Live);
  a->on_stopped(*grant, media::EndReason::Dropped, "");
  settle();
  EXPECT_EQ(sink_->ended, media::EndReason::Dropped);
  auto windowed = record();
  EXPECT_EQ(windowed.state, State::Connecting);
  EXPECT_TRUE(windowed.ingest_node.empty()) << "released for whichever node the encoder reaches";
  a->start();

  auto b = node("b");
  auto taken = publish(*b);
  ASSERT_TRUE(taken.ok()) << taken.error().describe();
  EXPECT_TRUE(taken->resumed);
  EXPECT_EQ(continued_, true) << "b's pipeline continues the stored playlists";
  EXPECT_EQ(record().ingest_node, "b");

  run_until([&] { return a->active_sessions() == 0; });
  EXPECT_EQ(a->active_sessions(), 0U);
  EXPECT_EQ(sink_->ended, media::EndReason::Abandoned) << "a wrote no ENDLIST";
  EXPECT_EQ(record().state, State::Connecting);
  EXPECT_EQ(record().ingest_node, "b");
}

// --max-transcodes: the node runs one transcoded session; a second standard
// stream is refused (and shows `error` with the reason), the first goes on, a
// passthrough stream is not counted, and once the first ends the second may publish.
TEST_F(SupervisorTest, MaxTranscodesRefusesTranscodedPublishesBeyondItButNotPassthrough) {
  auto a = node("a", true, 1);
  auto first = publish(*a);
  ASSERT_TRUE(first.ok()) << first.error().describe();

  Secret second_key = ids::new_stream_key();
  std::string second = add_stream(second_key, media::Quality::Standard);
  auto refused = publish(*a, nullptr, &second_key);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::ResourceExhausted);
  EXPECT_NE(refused.error().message.find("--max-transcodes"), std::string::npos);
  EXPECT_EQ(record(second).state, State::Error);
  EXPECT_NE(record(second).error_reason.find("--max-transcodes"), std::string::npos);
  EXPECT_EQ(record().state, State::Connecting) << "the admitted stream is untouched";

  Secret copied_key = ids::new_stream_key();
  std::string copied = add_stream(copied_key, media::Quality::Passthrough);
  EXPECT_TRUE(publish(*a, nullptr, &copied_key).ok()) << "passthrough is not counted";
  EXPECT_EQ(record(copied).state, State::Connecting);

  a->on_stopped(*first, media::EndReason::Clean, "");
  settle();
  auto admitted = publish(*a, nullptr, &second_key);
  ASSERT_TRUE(admitted.ok()) << admitted.error().describe();
  EXPECT_EQ(record(second).state, State::Connecting);
  EXPECT_TRUE(record(second).error_reason.empty());
}

// A dropped transcoded session in its reconnect window still holds its
// transcoder: it counts, and its own encoder coming back is not refused.
TEST_F(SupervisorTest, MaxTranscodesCountsASessionInItsReconnectWindow) {
  auto a = node("a", true, 1);
  auto first = publish(*a);
  ASSERT_TRUE(first.ok());
  a->on_segments_ready(stream_id_);
  settle();
  a->on_stopped(*first, media::EndReason::Dropped, "");
  settle();
  ASSERT_EQ(record().state, State::Connecting);
  Secret other_key = ids::new_stream_key();
  add_stream(other_key, media::Quality::High);
  EXPECT_EQ(publish(*a, nullptr, &other_key).error().code, Code::ResourceExhausted);
  EXPECT_TRUE(publish(*a).ok()) << "the encoder coming back resumes its own session";
}

}  // namespace
}  // namespace antcdn::lifecycle
