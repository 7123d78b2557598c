// PostgreSQL specifics: connecting, migrations when nodes start together, and
// losing the server. The repository contract itself is tested for every backend
// in repository_test.cc. Cases that need a server skip without
// ANTCDN_TEST_POSTGRES_URL (see store_backends.h).

#include "store/postgres/pg_store.h"

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "store/postgres/schema.h"
#include "unit/store/records.h"
#include "unit/store/store_backends.h"

namespace antcdn::store::postgres {
namespace {

StreamRecord make_stream(const std::string& name) {
  return test::make_stream("key_a", name);
}

TEST(PgStoreUrl, ServerDownIsUnavailableAndKeepsThePasswordOut) {
  // Port 1: nothing listens there, so the connection is refused at once.
  auto s = PgStore::open("postgres://antcdn:hunter2@127.0.0.1:1/antcdn");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unavailable);
  EXPECT_EQ(s.error().describe().find("hunter2"), std::string::npos) << s.error().describe();
  EXPECT_NE(
      s.error().describe().find("user=antcdn password=*** dbname=antcdn host=127.0.0.1 port=1"),
      std::string::npos)
      << s.error().describe();

  auto bad = PgStore::open("postgres://antcdn:hunter2@[::1/antcdn");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Code::InvalidArgument);
  EXPECT_EQ(bad.error().describe().find("hunter2"), std::string::npos) << bad.error().describe();

  // libpq would take "hun" for the host and put it in its error.
  auto raw_at = PgStore::open("postgres://antcdn:hun@ter2@127.0.0.1:1/antcdn");
  ASSERT_FALSE(raw_at.ok());
  EXPECT_EQ(raw_at.error().code, Code::InvalidArgument);
  EXPECT_EQ(raw_at.error().describe().find("hun"), std::string::npos) << raw_at.error().describe();
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = test::postgres_server_url();
    if (!url) {
      GTEST_SKIP() << test::kPostgresHowTo;
    }
    auto backend = test::PostgresBackend::create(*url);
    ASSERT_TRUE(backend.ok()) << backend.error().describe();
    backend_ = std::move(*backend);
  }

  std::unique_ptr<PgStore> open() {
    auto s = PgStore::open(backend_->url());
    EXPECT_TRUE(s.ok()) << s.error().describe();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // The server processes serving the test database (the store's connections).
  std::vector<int64_t> backends() {
    auto r = backend_->admin().exec(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() "
        "ORDER BY pid",
        {backend_->name()});
    EXPECT_TRUE(r.ok()) << r.error().describe();
    std::vector<int64_t> pids;
    for (int i = 0; r.ok() && i < r->rows(); ++i) {
      pids.push_back(r->integer(i, 0));
    }
    return pids;
  }

  // What a server restart looks like from the store: its connection is closed.
  void drop_connections() {
    for (int64_t pid : backends()) {
      auto r = backend_->admin().exec("SELECT pg_terminate_backend($1, 5000)", {pid});
      ASSERT_TRUE(r.ok()) << r.error().describe();
    }
    ASSERT_TRUE(backends().empty());
  }

  // While false, nobody (superusers included) can connect: the server is "down".
  void allow_connections(bool allow) {
    std::string sql =
        "ALTER DATABASE " + backend_->name() + " ALLOW_CONNECTIONS " + (allow ? "true" : "false");
    auto r = backend_->admin().exec(sql);
    ASSERT_TRUE(r.ok()) << r.error().describe();
  }

  // Another node's connection, in a transaction that holds the stream's row.
  Result<PgConnection> lock_row_elsewhere(const std::string& stream_id) {
    auto other = PgConnection::open(backend_->url(), "other node");
    if (!other.ok()) {
      return other;
    }
    if (auto r = other->exec("BEGIN"); !r.ok()) {
      return r.error();
    }
    if (auto r = other->exec("SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE", {stream_id});
        !r.ok()) {
      return r.error();
    }
    return other;
  }

  std::unique_ptr<test::PostgresBackend> backend_;
};

TEST_F(PgStoreTest, NodesStartingTogetherMigrateOnce) {
  constexpr int kNodes = 4;
  std::vector<Result<std::unique_ptr<PgStore>>> stores;
  for (int i = 0; i < kNodes; ++i) {
    stores.emplace_back(make_error(Code::Internal, "not run"));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] { stores[i] = PgStore::open(backend_->url()); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (auto& s : stores) {
    ASSERT_TRUE(s.ok()) << s.error().describe();
  }
  auto check = PgConnection::open(backend_->url(), "test");
  ASSERT_TRUE(check.ok());
  auto versions = check->exec("SELECT version FROM schema_version ORDER BY version");
  ASSERT_TRUE(versions.ok()) << versions.error().describe();
  ASSERT_EQ(versions->rows(), static_cast<int>(kMigrations.size()));
  EXPECT_EQ(versions->integer(versions->rows() - 1, 0), static_cast<int64_t>(kMigrations.size()));
  // Every node sees the others' writes.
  ASSERT_TRUE((*stores[0])->create(make_stream("shared")).ok());
  EXPECT_EQ((*stores[kNodes - 1])->list("key_a", 10, std::nullopt)->size(), 1u);
}

TEST_F(PgStoreTest, ReconnectsAfterTheServerDropsTheConnection) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  StreamRecord r = make_stream("before");
  ASSERT_TRUE(store->create(r).ok());
  auto first = backends();
  ASSERT_EQ(first.size(), 1u);

  drop_connections();
  auto got = store->get(r.stream_id);  // a read: retried on a new connection
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ((*got)->name, "before");
  auto second = backends();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second, first);

  drop_connections();
  // A write whose connection is found dead at BEGIN has sent nothing: retried too.
  auto updated = store->update(r.stream_id, [](StreamRecord& s) -> Status {
    s.name = "after";
    return {};
  });
  ASSERT_TRUE(updated.ok()) << updated.error().describe();
  EXPECT_EQ((*store->get(r.stream_id))->name, "after");
  drop_connections();
  ASSERT_TRUE(store->create(make_stream("created after a drop")).ok());
  drop_connections();
  EXPECT_EQ(store->list_keys()->size(), 0u);
}

TEST_F(PgStoreTest, UnavailableWhileTheServerIsDownThenRecovers) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  StreamRecord r = make_stream("x");
  ASSERT_TRUE(store->create(r).ok());

  allow_connections(false);
  drop_connections();
  auto got = store->get(r.stream_id);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Code::Unavailable) << got.error().describe();
  auto updated = store->update(r.stream_id, [](StreamRecord&) { return Status{}; });
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, Code::Unavailable);
  EXPECT_EQ(
      store->create_key(ApiKeyRecord{.key_id = "k", .key_hash = crypto::sha256("k")}).error().code,
      Code::Unavailable);

  allow_connections(true);
  auto back = store->get(r.stream_id);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_TRUE(back->has_value());
  EXPECT_TRUE(store->create_key(ApiKeyRecord{.key_id = "k", .key_hash = crypto::sha256("k")}).ok());
}

// A transaction holding a row lock makes the other node's update() wait, then
// run on the row as the first left it (no lost update, no stale 409 check).
TEST_F(PgStoreTest, UpdateWaitsForAnotherNodesRowLock) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  StreamRecord r = make_stream("locked");
  ASSERT_TRUE(store->create(r).ok());
  auto other = lock_row_elsewhere(r.stream_id);
  ASSERT_TRUE(other.ok()) << other.error().describe();
  std::thread waiter([&] {
    auto u = store->update(r.stream_id, [](StreamRecord& s) -> Status {
      if (s.state != media::StreamState::Idle) {
        return make_error(Code::Conflict, "not idle");
      }
      s.state = media::StreamState::Connecting;
      return {};
    });
    EXPECT_FALSE(u.ok());
    EXPECT_EQ(u.error().code, Code::Conflict);
  });
  // Waiting on our lock shows in pg_stat_activity; then the other node commits.
  for (int i = 0; i < 500; ++i) {
    auto w = backend_->admin().exec(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        {backend_->name()});
    ASSERT_TRUE(w.ok());
    if (w->integer(0, 0) > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(
      other->exec("UPDATE streams SET state = 'live' WHERE stream_id = $1", {r.stream_id}).ok());
  ASSERT_TRUE(other->exec("COMMIT").ok());
  waiter.join();
  EXPECT_EQ((*store->get(r.stream_id))->state, media::StreamState::Live);
}

// The connection's server settings, as SHOW prints them.
std::string show(PgConnection& conn, std::string_view setting) {
  auto r = conn.exec("SHOW " + std::string(setting));
  EXPECT_TRUE(r.ok()) << r.error().describe();
  return r.ok() ? r->text(0, 0) : "";
}

std::string with_query(const std::string& url, std::string_view param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + std::string(param);
}

TEST_F(PgStoreTest, ConnectionsBoundTheirWaitsByDefault) {
  auto conn = PgConnection::open(backend_->url(), "test");
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  EXPECT_EQ(show(*conn, "statement_timeout"), "2s");
  EXPECT_EQ(show(*conn, "lock_timeout"), "1s");
  EXPECT_EQ(show(*conn, "application_name"), "antcdn");
}

TEST_F(PgStoreTest, TheUrlsOwnSettingsWin) {
  // options=-c statement_timeout=5000, and an application name.
  auto url = with_query(with_query(backend_->url(), "options=-c%20statement_timeout%3D5000"),
                        "application_name=node7");
  auto conn = PgConnection::open(url, "test");
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  EXPECT_EQ(show(*conn, "statement_timeout"), "5s");
  EXPECT_EQ(show(*conn, "lock_timeout"), "1s");  // not named by the URL: still ours
  EXPECT_EQ(show(*conn, "application_name"), "node7");
}

TEST_F(PgStoreTest, AStatementThatRunsTooLongIsCancelled) {
  auto conn = PgConnection::open(backend_->url(), "test");
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  auto started = std::chrono::steady_clock::now();
  auto r = conn->exec("SELECT pg_sleep(10)");
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::Unavailable);
  EXPECT_NE(r.error().describe().find("statement timeout"), std::string::npos)
      << r.error().describe();
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_TRUE(conn->exec("SELECT 1").ok());  // the connection itself is fine
}

// Another node holding the row (a stuck transaction) costs an API call about a
// second and a clear error, instead of a request that never answers.
TEST_F(PgStoreTest, AnUpdateBlockedOnARowLockFailsAfterTheLockTimeout) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  StreamRecord r = make_stream("held");
  ASSERT_TRUE(store->create(r).ok());
  auto other = lock_row_elsewhere(r.stream_id);
  ASSERT_TRUE(other.ok()) << other.error().describe();

  auto started = std::chrono::steady_clock::now();
  auto u = store->update(r.stream_id, [](StreamRecord& s) -> Status {
    s.name = "never";
    return {};
  });
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, Code::Unavailable);
  EXPECT_NE(u.error().describe().find("lock timeout"), std::string::npos) << u.error().describe();
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(2));  // under the statement timeout: the lock's own

  // The holder lets go; the store's connection was left usable.
  ASSERT_TRUE(other->exec("ROLLBACK").ok());
  EXPECT_EQ((*store->get(r.stream_id))->name, "held");
}

}  // namespace
}  // namespace antcdn::store::postgres
