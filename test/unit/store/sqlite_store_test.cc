// SQLite specifics: the file and its migrations. The repository contract itself
// is tested for every backend in repository_test.cc.

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "store/sqlite/schema.h"
#include "support/temp_dir.h"

namespace antcdn::store::sqlite {
namespace {

int64_t user_version(const std::string& path) {
  auto db = Database::open(path);
  EXPECT_TRUE(db.ok());
  auto stmt = db->prepare("PRAGMA user_version");
  EXPECT_TRUE(stmt.ok());
  EXPECT_TRUE(*stmt->step());
  return stmt->integer(0);
}

TEST(SqliteStore, CreatesTheFileAtTheLatestVersion) {
  test::TempDir dir;
  ASSERT_TRUE(SqliteStore::open(dir.file("antcdn.db")).ok());
  EXPECT_EQ(user_version(dir.file("antcdn.db")), static_cast<int64_t>(kMigrations.size()));
  // Reopening applies nothing twice.
  ASSERT_TRUE(SqliteStore::open(dir.file("antcdn.db")).ok());
  EXPECT_EQ(user_version(dir.file("antcdn.db")), static_cast<int64_t>(kMigrations.size()));
}

// A database written before the lease columns existed (schema version 1) keeps
// its rows; they read as "no node holds the stream".
TEST(SqliteStore, MigratesAVersion1Database) {
  test::TempDir dir;
  std::string path = dir.file("antcdn.db");
  std::string stream_id = ids::new_stream_id(1700000000000);
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec(std::string(kMigrations[0]) + "PRAGMA user_version=1;").ok());
    auto insert = db->prepare(
        "INSERT INTO streams (stream_id, edge_id, owner_key_id, name, state, quality, "
        "reconnect_window_s, created_at_ms, stream_key_hash) "
        "VALUES (?, 'lse_x', 'key_a', 'old', 'live', 'high', 60, 1, ?)");
    ASSERT_TRUE(insert.ok());
    insert->bind(1, std::string_view(stream_id)).bind(2, ByteSpan(crypto::sha256("k")));
    ASSERT_TRUE(insert->run().ok());
  }
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().describe();
  EXPECT_EQ(user_version(path), static_cast<int64_t>(kMigrations.size()));
  auto old = *(*store)->get(stream_id);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->name, "old");
  EXPECT_EQ(old->state, media::StreamState::Live);
  EXPECT_EQ(old->ingest_node, "");
  EXPECT_FALSE(old->lease_until_ms.has_value());
  EXPECT_EQ(old->latency_mode, media::LatencyMode::Low);  // migration 6's default
  auto leased = (*store)->update(stream_id, [](StreamRecord& s) -> Status {
    s.ingest_node = "node-a";
    s.lease_until_ms = 99;
    return {};
  });
  ASSERT_TRUE(leased.ok());
  EXPECT_EQ((*(*store)->get(stream_id))->lease_until_ms, 99);
}

}  // namespace
}  // namespace antcdn::store::sqlite
