#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <string>

#include "store/found_stream.h"
#include "store/sqlite/schema.h"

namespace antcdn::store::sqlite {
namespace {

constexpr std::string_view kStreamColumns =
    "seq, stream_id, edge_id, owner_key_id, name, state, quality, reconnect_window_s, "
    "created_at_ms, started_at_ms, ended_at_ms, error_reason, stream_key_hash, ingest_node, "
    "lease_until_ms";

crypto::Sha256 to_hash(const Bytes& b) {
  crypto::Sha256 h{};
  std::copy_n(b.begin(), std::min(b.size(), h.size()), h.begin());
  return h;
}

StreamRecord read_stream(const Statement& s) {
  StreamRecord r;
  r.seq = s.integer(0);
  r.stream_id = s.text(1);
  r.edge_id = s.text(2);
  r.owner_key_id = s.text(3);
  r.name = s.text(4);
  r.state = lifecycle::parse_state(s.text(5)).value_or(lifecycle::State::Error);
  r.quality = media::parse_quality(s.text(6)).value_or(media::Quality::Standard);
  r.reconnect_window_s = static_cast<int>(s.integer(7));
  r.created_at_ms = s.integer(8);
  r.started_at_ms = s.optional_integer(9);
  r.ended_at_ms = s.optional_integer(10);
  r.error_reason = s.text(11);
  r.stream_key_hash = to_hash(s.blob(12));
  r.ingest_node = s.text(13);
  r.lease_until_ms = s.optional_integer(14);
  return r;
}

ApiKeyRecord read_key(const Statement& s) {
  return ApiKeyRecord{.key_id = s.text(0),
                      .name = s.text(1),
                      .key_hash = to_hash(s.blob(2)),
                      .created_at_ms = s.integer(3),
                      .revoked_at_ms = s.optional_integer(4)};
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on error.
template <typename T, typename Body>
Result<T> in_transaction(Database& db, Body&& body) {
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s.ok()) {
    return s.error();
  }
  Result<T> result = body();
  if (!result.ok()) {
    (void)db.exec("ROLLBACK");
    return result;
  }
  if (auto s = db.exec("COMMIT"); !s.ok()) {
    (void)db.exec("ROLLBACK");
    return s.error();
  }
  return result;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db.ok()) {
    return db.error();
  }
  for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                                  "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
    if (auto s = db->exec(pragma); !s.ok()) {
      return s.error();
    }
  }
  auto version_stmt = db->prepare("PRAGMA user_version");
  if (!version_stmt.ok()) {
    return version_stmt.error();
  }
  auto has_row = version_stmt->step();
  if (!has_row.ok()) {
    return has_row.error();
  }
  auto version = static_cast<size_t>(version_stmt->integer(0));
  for (size_t i = version; i < kMigrations.size(); ++i) {
    std::string sql = "BEGIN;\n" + std::string(kMigrations[i]) +
                      "\nPRAGMA user_version=" + std::to_string(i + 1) + ";\nCOMMIT;";
    if (auto s = db->exec(sql); !s.ok()) {
      (void)db->exec("ROLLBACK");
      return s.error().with_context("migration " + std::to_string(i + 1));
    }
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db)));  // NOLINT: private ctor
}

Result<StreamRecord> SqliteStore::create(StreamRecord record) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(
      "INSERT INTO streams (stream_id, edge_id, owner_key_id, name, state, quality, "
      "reconnect_window_s, created_at_ms, started_at_ms, ended_at_ms, error_reason, "
      "stream_key_hash, ingest_node, lease_until_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, record.stream_id)
      .bind(2, record.edge_id)
      .bind(3, record.owner_key_id)
      .bind(4, record.name)
      .bind(5, lifecycle::to_string(record.state))
      .bind(6, media::to_string(record.quality))
      .bind(7, int64_t{record.reconnect_window_s})
      .bind(8, record.created_at_ms)
      .bind(9, record.started_at_ms)
      .bind(10, record.ended_at_ms)
      .bind(11, record.error_reason)
      .bind(12, ByteSpan(record.stream_key_hash))
      .bind(13, record.ingest_node)
      .bind(14, record.lease_until_ms);
  if (auto s = stmt->run(); !s.ok()) {
    return s.error();
  }
  auto row = db_.prepare("SELECT last_insert_rowid()");
  if (!row.ok()) {
    return row.error();
  }
  (void)row->step();
  record.seq = row->integer(0);
  return record;
}

template <typename Key>
Result<std::optional<StreamRecord>> SqliteStore::find_one(std::string_view where, const Key& key) {
  auto stmt = db_.prepare("SELECT " + std::string(kStreamColumns) + " FROM streams WHERE " +
                          std::string(where));
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, key);
  auto rows = query_all(*stmt);
  if (!rows.ok()) {
    return rows.error();
  }
  return rows->empty() ? std::optional<StreamRecord>() : std::optional(std::move(rows->front()));
}

Result<std::optional<StreamRecord>> SqliteStore::get_locked(const std::string& stream_id) {
  return find_one("stream_id = ?", std::string_view(stream_id));
}

Result<std::optional<StreamRecord>> SqliteStore::get(const std::string& stream_id) {
  std::lock_guard lock(mutex_);
  return get_locked(stream_id);
}

Result<std::optional<StreamRecord>> SqliteStore::find_by_key_hash(const crypto::Sha256& hash) {
  std::lock_guard lock(mutex_);
  return find_one("stream_key_hash = ?", ByteSpan(hash));
}

Result<std::optional<StreamRecord>> SqliteStore::find_by_edge_id(const std::string& edge_id) {
  std::lock_guard lock(mutex_);
  return find_one("edge_id = ?", std::string_view(edge_id));
}

Result<std::vector<StreamRecord>> SqliteStore::list(const std::string& owner_key_id, int limit,
                                                    std::optional<int64_t> before_seq) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT " + std::string(kStreamColumns) +
                          " FROM streams WHERE owner_key_id = ? AND seq < ? "
                          "ORDER BY seq DESC LIMIT ?");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, std::string_view(owner_key_id))
      .bind(2, before_seq.value_or(INT64_MAX))
      .bind(3, int64_t{limit});
  return query_all(*stmt);
}

Result<std::vector<StreamRecord>> SqliteStore::list_on_air() {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT " + std::string(kStreamColumns) +
                          " FROM streams WHERE state IN ('connecting', 'live')");
  if (!stmt.ok()) {
    return stmt.error();
  }
  return query_all(*stmt);
}

Result<std::vector<StreamRecord>> SqliteStore::query_all(Statement& stmt) {
  std::vector<StreamRecord> out;
  while (true) {
    auto row = stmt.step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return out;
    }
    out.push_back(read_stream(stmt));
  }
}

Result<StreamRecord> SqliteStore::update(const std::string& stream_id, const Mutation& mutate) {
  std::lock_guard lock(mutex_);
  return in_transaction<StreamRecord>(db_, [&]() -> Result<StreamRecord> {
    auto found = found_stream(stream_id, get_locked(stream_id));
    if (!found.ok()) {
      return found.error();
    }
    StreamRecord r = std::move(*found);
    if (auto s = mutate(r); !s.ok()) {
      return s.error();
    }
    auto stmt = db_.prepare(
        "UPDATE streams SET name = ?, state = ?, quality = ?, reconnect_window_s = ?, "
        "started_at_ms = ?, ended_at_ms = ?, error_reason = ?, stream_key_hash = ?, "
        "ingest_node = ?, lease_until_ms = ? WHERE stream_id = ?");
    if (!stmt.ok()) {
      return stmt.error();
    }
    stmt->bind(1, r.name)
        .bind(2, lifecycle::to_string(r.state))
        .bind(3, media::to_string(r.quality))
        .bind(4, int64_t{r.reconnect_window_s})
        .bind(5, r.started_at_ms)
        .bind(6, r.ended_at_ms)
        .bind(7, r.error_reason)
        .bind(8, ByteSpan(r.stream_key_hash))
        .bind(9, r.ingest_node)
        .bind(10, r.lease_until_ms)
        .bind(11, std::string_view(stream_id));
    if (auto s = stmt->run(); !s.ok()) {
      return s.error();
    }
    return r;
  });
}

Status SqliteStore::remove(const std::string& stream_id, const Precondition& allowed) {
  std::lock_guard lock(mutex_);
  auto r = in_transaction<bool>(db_, [&]() -> Result<bool> {
    auto found = found_stream(stream_id, get_locked(stream_id));
    if (!found.ok()) {
      return found.error();
    }
    if (auto s = allowed(*found); !s.ok()) {
      return s.error();
    }
    auto stmt = db_.prepare("DELETE FROM streams WHERE stream_id = ?");
    if (!stmt.ok()) {
      return stmt.error();
    }
    stmt->bind(1, std::string_view(stream_id));
    if (auto s = stmt->run(); !s.ok()) {
      return s.error();
    }
    return true;
  });
  if (!r.ok()) {
    return r.error();
  }
  return {};
}

Status SqliteStore::create_key(const ApiKeyRecord& record) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(
      "INSERT INTO api_keys (key_id, name, key_hash, created_at_ms, revoked_at_ms) "
      "VALUES (?,?,?,?,?)");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, record.key_id)
      .bind(2, record.name)
      .bind(3, ByteSpan(record.key_hash))
      .bind(4, record.created_at_ms)
      .bind(5, record.revoked_at_ms);
  return stmt->run();
}

Result<std::optional<ApiKeyRecord>> SqliteStore::find_active_key(const crypto::Sha256& hash) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(
      "SELECT key_id, name, key_hash, created_at_ms, revoked_at_ms FROM api_keys "
      "WHERE key_hash = ? AND revoked_at_ms IS NULL");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, ByteSpan(hash));
  auto row = stmt->step();
  if (!row.ok()) {
    return row.error();
  }
  if (!*row) {
    return std::optional<ApiKeyRecord>();
  }
  return std::optional<ApiKeyRecord>(read_key(*stmt));
}

Result<std::vector<ApiKeyRecord>> SqliteStore::list_keys() {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(
      "SELECT key_id, name, key_hash, created_at_ms, revoked_at_ms FROM api_keys "
      "ORDER BY created_at_ms, rowid");
  if (!stmt.ok()) {
    return stmt.error();
  }
  std::vector<ApiKeyRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return out;
    }
    out.push_back(read_key(*stmt));
  }
}

Status SqliteStore::revoke_key(const std::string& key_id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(
      "UPDATE api_keys SET revoked_at_ms = ? WHERE key_id = ? AND revoked_at_ms IS NULL");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, now_ms).bind(2, std::string_view(key_id));
  if (auto s = stmt->run(); !s.ok()) {
    return s.error();
  }
  if (db_.changes() == 0) {
    return make_error(Code::NotFound, "no active API key " + key_id);
  }
  return {};
}

}  // namespace antcdn::store::sqlite
