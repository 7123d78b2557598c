#include "store/sqlite/sqlite_store.h"

#include <string>

#include "common/time_util.h"
#include "store/found_stream.h"
#include "store/row_mapping.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_columns.h"
#include "store/stream_outbox.h"

namespace antcdn::store::sqlite {
namespace {

// SqlSession over the store's connection, inside its transaction.
class Session final : public SqlSession {
 public:
  explicit Session(Database& db) : db_(db) {}
  Dialect dialect() const override { return Dialect::Sqlite; }
  Result<int64_t> run(std::string_view sql, const Bind& bind, const Row& row) override {
    auto stmt = db_.prepare(sql);
    if (!stmt.ok()) {
      return stmt.error();
    }
    Params params(*stmt);
    if (bind) {
      bind(params);
    }
    for (;;) {
      auto more = stmt->step();
      if (!more.ok()) {
        return more.error();
      }
      if (!*more) {
        return int64_t{db_.changes()};
      }
      if (row) {
        Columns columns(*stmt);
        row(columns);
      }
    }
  }

 private:
  Database& db_;
};

StreamRecord read_stream(const Statement& stmt) {
  Columns row(stmt);
  return store::read_stream(row);
}

ApiKeyRecord read_key(const Statement& stmt) {
  Columns row(stmt);
  return store::read_key(row);
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
  return in_transaction<StreamRecord>(db_, [&]() -> Result<StreamRecord> {
    auto stmt = db_.prepare(insert_stream_sql(question_mark) + " RETURNING seq");
    if (!stmt.ok()) {
      return stmt.error();
    }
    Params params(*stmt);
    write_new_stream(record, params);
    auto row = stmt->step();
    if (!row.ok()) {
      return row.error();
    }
    record.seq = stmt->integer(0);
    if (auto s = stmt->run(); !s.ok()) {
      return s.error();
    }
    if (auto s = record_events(nullptr, &record); !s.ok()) {
      return s.error();
    }
    return record;
  });
}

Status SqliteStore::record_events(const StreamRecord* before, const StreamRecord* after) {
  Session session(db_);
  return record_stream_events(session, before, after, render_, unix_now_ms());
}

Status SqliteStore::transact(const SqlBody& body) {
  std::lock_guard lock(mutex_);
  auto r = in_transaction<bool>(db_, [&]() -> Result<bool> {
    Session session(db_);
    if (auto s = body(session); !s.ok()) {
      return s.error();
    }
    return true;
  });
  return r.ok() ? Status{} : Status{r.error()};
}

template <typename Key>
Result<std::optional<StreamRecord>> SqliteStore::find_one(std::string_view where, const Key& key) {
  auto stmt =
      db_.prepare("SELECT " + stream_columns() + " FROM streams WHERE " + std::string(where));
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
  auto stmt = db_.prepare("SELECT " + stream_columns() +
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

Result<int64_t> SqliteStore::count_owned(const std::string& owner_key_id) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT COUNT(*) FROM streams WHERE owner_key_id = ?");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, std::string_view(owner_key_id));
  if (auto row = stmt->step(); !row.ok()) {
    return row.error();
  }
  return stmt->integer(0);
}

Result<std::map<media::StreamState, int64_t>> SqliteStore::count_by_state() {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT state, COUNT(*) FROM streams GROUP BY state");
  if (!stmt.ok()) {
    return stmt.error();
  }
  std::map<media::StreamState, int64_t> counts;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return counts;
    }
    if (auto state = media::parse_stream_state(stmt->text(0))) {
      counts[*state] += stmt->integer(1);
    }
  }
}

Result<std::vector<StreamRecord>> SqliteStore::list_on_air() {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT " + stream_columns() +
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
    StreamRecord r = *found;
    if (auto s = mutate(r); !s.ok()) {
      return s.error();
    }
    auto stmt = db_.prepare(update_stream_sql(question_mark));
    if (!stmt.ok()) {
      return stmt.error();
    }
    Params params(*stmt);
    write_stream_update(r, stream_id, params);
    if (auto s = stmt->run(); !s.ok()) {
      return s.error();
    }
    if (auto s = record_events(&*found, &r); !s.ok()) {
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
    if (auto s = record_events(&*found, nullptr); !s.ok()) {
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
  auto stmt = db_.prepare(insert_key_sql(question_mark));
  if (!stmt.ok()) {
    return stmt.error();
  }
  Params params(*stmt);
  write_key(record, params);
  return stmt->run();
}

Result<std::optional<ApiKeyRecord>> SqliteStore::find_active_key(const crypto::Sha256& hash) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT " + key_columns() +
                          " FROM api_keys WHERE key_hash = ? AND revoked_at_ms IS NULL");
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
  auto stmt =
      db_.prepare("SELECT " + key_columns() + " FROM api_keys ORDER BY created_at_ms, rowid");
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
