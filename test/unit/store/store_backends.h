#pragma once

// Where the repository tests keep their data: a temp SQLite file, or a fresh
// database on the PostgreSQL server named by the environment, dropped after the
// test. Header-only: the unit-test build compiles *_test.cc files here.

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/result.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_url.h"
#include "store/repositories.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "support/test_servers.h"

namespace antcdn::store::test {

inline constexpr std::string_view kPostgresHowTo =
    "PostgreSQL cases need a server: export ANTCDN_TEST_POSTGRES_URL=$(tools/pg_loopback.sh "
    "start /tmp/antcdn-pg), then tools/pg_loopback.sh stop /tmp/antcdn-pg (ctest starts one "
    "itself)";

// The server URL (see support/test_servers.h); nullopt: the PostgreSQL cases skip.
inline std::optional<std::string> postgres_server_url() {
  return testing::server_address("ANTCDN_TEST_POSTGRES_URL", "postgres/url");
}

// `url` naming database `db` instead of its own.
inline std::string with_database(std::string_view url, std::string_view db) {
  size_t authority = url.find("://");
  authority = authority == std::string_view::npos ? 0 : authority + 3;
  size_t query = url.find('?', authority);
  size_t slash = url.find('/', authority);
  size_t path = slash < query ? slash : query;
  std::string out(url.substr(0, path == std::string_view::npos ? url.size() : path));
  out.append("/").append(db);
  if (query != std::string_view::npos) {
    out.append(url.substr(query));
  }
  return out;
}

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // A store on this backend's database; every call opens the same data, as
  // another process (node) would.
  virtual Result<std::unique_ptr<Store>> open() = 0;
};

class SqliteBackend final : public StoreBackend {
 public:
  Result<std::unique_ptr<Store>> open() override {
    auto s = sqlite::SqliteStore::open(dir_.file("antcdn.db"));
    if (!s.ok()) {
      return s.error();
    }
    return std::unique_ptr<Store>(std::move(*s));
  }
  std::string path() const { return dir_.file("antcdn.db"); }

 private:
  antcdn::test::TempDir dir_;
};

// A database of its own per test (tests may run in parallel under ctest -j),
// created on the server and dropped, with any connection left, afterwards.
class PostgresBackend final : public StoreBackend {
 public:
  static Result<std::unique_ptr<PostgresBackend>> create(const std::string& server_url) {
    auto admin = postgres::PgConnection::open(server_url, postgres::redact_url(server_url));
    if (!admin.ok()) {
      return admin.error();
    }
    // An identifier cannot be a statement parameter; this one is our own hex.
    std::string name = "antcdn_test_" + crypto::hex(crypto::random_bytes(8));
    if (auto r = admin->exec("CREATE DATABASE " + name); !r.ok()) {
      return r.error();
    }
    return std::unique_ptr<PostgresBackend>(
        new PostgresBackend(std::move(*admin), name, with_database(server_url, name)));  // NOLINT
  }
  ~PostgresBackend() override {
    (void)admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }

  Result<std::unique_ptr<Store>> open() override {
    auto s = postgres::PgStore::open(url_);
    if (!s.ok()) {
      return s.error();
    }
    return std::unique_ptr<Store>(std::move(*s));
  }

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  // Connected to the server's own database, for what a test does behind the
  // store's back (terminating its connection, refusing new ones).
  postgres::PgConnection& admin() { return admin_; }

 private:
  PostgresBackend(postgres::PgConnection admin, std::string name, std::string url)
      : admin_(std::move(admin)), name_(std::move(name)), url_(std::move(url)) {}

  postgres::PgConnection admin_;
  std::string name_;
  std::string url_;
};

// The fixture of suites run on each backend, parameterised by "sqlite" or
// "postgres"; the PostgreSQL cases skip when no server is configured.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      auto url = postgres_server_url();
      if (!url) {
        GTEST_SKIP() << kPostgresHowTo;
      }
      auto pg = PostgresBackend::create(*url);
      ASSERT_TRUE(pg.ok()) << pg.error().describe();
      backend_ = std::move(*pg);
    }
    store_ = open();
  }

  // Another store on the same database, as another node would open it.
  std::unique_ptr<Store> open() {
    auto s = backend_->open();
    EXPECT_TRUE(s.ok()) << s.error().describe();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Destroyed in reverse: the store's connection goes before the database.
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

}  // namespace antcdn::store::test
