#include "store/postgres/pg_store.h"

#include <string>

#include "common/blocking.h"
#include "common/time_util.h"
#include "store/found_stream.h"
#include "store/postgres/pg_columns.h"
#include "store/postgres/pg_url.h"
#include "store/postgres/schema.h"
#include "store/row_mapping.h"
#include "store/stream_outbox.h"

namespace antcdn::store::postgres {
namespace {

// Serialises migrations of one database across every node that starts at once
// (advisory locks are per database). The value is "antcdn" in ASCII.
constexpr int64_t kMigrationLock = 0x616e7463646e;

// The shared SQL spells parameters `?`; PostgreSQL numbers them.
std::string numbered(std::string_view sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += dollar(++n);
    } else {
      out += c;
    }
  }
  return out;
}

// SqlSession over the store's connection, inside its transaction.
class Session final : public SqlSession {
 public:
  explicit Session(PgConnection& conn) : conn_(conn) {}
  Dialect dialect() const override { return Dialect::Postgres; }
  Result<int64_t> run(std::string_view sql, const Bind& bind, const Row& row) override {
    Params params;
    if (bind) {
      bind(params);
    }
    auto res = conn_.exec(numbered(sql), params.all());
    if (!res.ok()) {
      return res.error();
    }
    for (int i = 0; row && i < res->rows(); ++i) {
      Columns columns(*res, i);
      row(columns);
    }
    return res->affected();
  }

 private:
  PgConnection& conn_;
};

StreamRecord read_stream(const PgResult& result, int row) {
  Columns columns(result, row);
  return store::read_stream(columns);
}

std::vector<StreamRecord> read_streams(const PgResult& result) {
  std::vector<StreamRecord> out;
  out.reserve(static_cast<size_t>(result.rows()));
  for (int i = 0; i < result.rows(); ++i) {
    out.push_back(read_stream(result, i));
  }
  return out;
}

ApiKeyRecord read_key(const PgResult& result, int row) {
  Columns columns(result, row);
  return store::read_key(columns);
}

std::string select_streams(std::string_view rest) {
  return "SELECT " + stream_columns() + " FROM streams " + std::string(rest);
}

// An open transaction: rolled back unless commit() ran, also when a callback
// throws past it, so the connection never carries a stale transaction.
class Transaction {
 public:
  explicit Transaction(PgConnection& conn) : conn_(conn) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!done_ && !conn_.broken()) {
      (void)conn_.exec("ROLLBACK");
    }
  }

  Status commit() {
    done_ = true;
    auto r = conn_.exec("COMMIT");
    if (!r.ok()) {
      // The server may or may not have committed before the connection went.
      return r.error().with_context("commit (outcome unknown)");
    }
    return {};
  }

 private:
  PgConnection& conn_;
  bool done_ = false;
};

Status migrate(PgConnection& conn) {
  if (auto r = conn.exec("BEGIN"); !r.ok()) {
    return r.error();
  }
  Transaction tx(conn);
  // Start-up is not an API call: a node waits for another node's migrations
  // and for the table locks its DDL needs, however long that takes, instead
  // of failing to start after the connection's 1 s lock / 2 s statement limit.
  if (auto s = conn.exec_script("SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0");
      !s.ok()) {
    return s;
  }
  // Held until COMMIT: a second node starting now waits here, then finds
  // everything applied.
  if (auto r = conn.exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLock}); !r.ok()) {
    return r.error();
  }
  // Checked before creating: CREATE ... IF NOT EXISTS needs the CREATE privilege
  // even when the table is there, and a migrated database may be used by a role
  // without it.
  auto exists = conn.exec("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!exists.ok()) {
    return exists.error();
  }
  if (exists->text(0, 0) != "t") {
    if (auto s = conn.exec_script("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                                  "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        !s.ok()) {
      return s;
    }
  }
  auto version = conn.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version.ok()) {
    return version.error();
  }
  for (auto i = static_cast<size_t>(version->integer(0, 0)); i < kMigrations.size(); ++i) {
    if (auto s = conn.exec_script(kMigrations[i]); !s.ok()) {
      return s.error().with_context("migration " + std::to_string(i + 1));
    }
    auto n = static_cast<int64_t>(i + 1);
    if (auto r = conn.exec("INSERT INTO schema_version (version) VALUES ($1)", {n}); !r.ok()) {
      return r.error();
    }
  }
  return tx.commit();
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url) {
  std::string display = redact_url(url);
  auto conn = PgConnection::open(url, display);
  if (!conn.ok()) {
    return conn.error().with_context("database " + display);
  }
  if (auto s = migrate(*conn); !s.ok()) {
    return s.error().with_context("database " + display + ": migrations");
  }
  return std::unique_ptr<PgStore>(new PgStore(std::move(*conn)));  // NOLINT: private ctor
}

Status PgStore::ready() {
  assert_may_block("PostgreSQL query");
  if (conn_.broken()) {
    return conn_.reset();
  }
  if (conn_.in_transaction() && !conn_.exec("ROLLBACK").ok()) {
    return conn_.reset();
  }
  return {};
}

Result<PgResult> PgStore::idempotent(std::string_view sql, std::span<const Param> params) {
  for (int attempt = 0;; ++attempt) {
    if (auto s = ready(); !s.ok()) {
      return s.error();
    }
    auto r = conn_.exec(sql, params);
    // (Run again only on a fresh connection, after the old one was lost.)
    if (r.ok() || attempt > 0 || !conn_.broken()) {
      return r;
    }
  }
}

Result<PgResult> PgStore::read(std::string_view sql, std::initializer_list<Param> params) {
  // A read has no effect, so running it again on a fresh connection is safe.
  return idempotent(sql, std::span<const Param>(params.begin(), params.size()));
}

template <typename T, typename Body>
Result<T> PgStore::write(Body&& body) {
  for (int attempt = 0;; ++attempt) {
    if (auto s = ready(); !s.ok()) {
      return s.error();
    }
    auto begun = conn_.exec("BEGIN");
    if (begun.ok()) {
      break;
    }
    // Nothing of this write has reached the server yet: retrying cannot apply it twice.
    if (attempt > 0 || !conn_.broken()) {
      return begun.error();
    }
  }
  Transaction tx(conn_);
  Result<T> result = body();
  if (!result.ok()) {
    return result;
  }
  if (auto s = tx.commit(); !s.ok()) {
    return s.error();
  }
  return result;
}

Result<std::optional<StreamRecord>> PgStore::read_one(std::string_view where, const Param& key) {
  auto res = read(select_streams("WHERE " + std::string(where)), {key});
  if (!res.ok()) {
    return res.error();
  }
  if (res->rows() == 0) {
    return std::optional<StreamRecord>();
  }
  return std::optional<StreamRecord>(read_stream(*res, 0));
}

Result<std::optional<StreamRecord>> PgStore::lock_stream(const std::string& stream_id) {
  // FOR UPDATE: a concurrent update() or remove() from any node waits for this
  // transaction, then reads the row as it left it.
  auto res = conn_.exec(select_streams("WHERE stream_id = $1 FOR UPDATE"), {stream_id});
  if (!res.ok()) {
    return res.error();
  }
  if (res->rows() == 0) {
    return std::optional<StreamRecord>();
  }
  return std::optional<StreamRecord>(read_stream(*res, 0));
}

Result<StreamRecord> PgStore::create(StreamRecord record) {
  std::lock_guard lock(mutex_);
  return write<StreamRecord>([&]() -> Result<StreamRecord> {
    Params params;
    write_new_stream(record, params);
    auto res = conn_.exec(insert_stream_sql(dollar) + " RETURNING seq", params.all());
    if (!res.ok()) {
      return res.error();
    }
    record.seq = res->integer(0, 0);
    if (auto s = record_events(nullptr, &record); !s.ok()) {
      return s.error();
    }
    return record;
  });
}

Status PgStore::record_events(const StreamRecord* before, const StreamRecord* after) {
  Session session(conn_);
  return record_stream_events(session, before, after, render_, unix_now_ms());
}

Status PgStore::transact(const SqlBody& body) {
  std::lock_guard lock(mutex_);
  auto r = write<bool>([&]() -> Result<bool> {
    Session session(conn_);
    if (auto s = body(session); !s.ok()) {
      return s.error();
    }
    return true;
  });
  return r.ok() ? Status{} : Status{r.error()};
}

Result<std::optional<StreamRecord>> PgStore::get(const std::string& stream_id) {
  std::lock_guard lock(mutex_);
  return read_one("stream_id = $1", stream_id);
}

Result<std::optional<StreamRecord>> PgStore::find_by_key_hash(const crypto::Sha256& hash) {
  std::lock_guard lock(mutex_);
  return read_one("stream_key_hash = $1", Param::bytea(hash));
}

Result<std::optional<StreamRecord>> PgStore::find_by_edge_id(const std::string& edge_id) {
  std::lock_guard lock(mutex_);
  return read_one("edge_id = $1", edge_id);
}

Result<std::vector<StreamRecord>> PgStore::list(const std::string& owner_key_id, int limit,
                                                std::optional<int64_t> before_seq) {
  std::lock_guard lock(mutex_);
  // LIMIT NULL is no limit, like SQLite's negative LIMIT (PostgreSQL rejects one).
  auto res = read(select_streams("WHERE owner_key_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"),
                  {owner_key_id, before_seq.value_or(INT64_MAX),
                   limit < 0 ? std::nullopt : std::optional<int64_t>(limit)});
  if (!res.ok()) {
    return res.error();
  }
  return read_streams(*res);
}

Result<int64_t> PgStore::count_owned(const std::string& owner_key_id) {
  std::lock_guard lock(mutex_);
  auto res = read("SELECT COUNT(*) FROM streams WHERE owner_key_id = $1", {owner_key_id});
  if (!res.ok()) {
    return res.error();
  }
  return res->rows() > 0 ? res->integer(0, 0) : int64_t{0};
}

Result<std::map<media::StreamState, int64_t>> PgStore::count_by_state() {
  std::lock_guard lock(mutex_);
  auto res = read("SELECT state, COUNT(*) FROM streams GROUP BY state", {});
  if (!res.ok()) {
    return res.error();
  }
  std::map<media::StreamState, int64_t> counts;
  for (int r = 0; r < res->rows(); ++r) {
    if (auto state = media::parse_stream_state(res->text(r, 0))) {
      counts[*state] += res->integer(r, 1);
    }
  }
  return counts;
}

Result<std::vector<StreamRecord>> PgStore::list_on_air() {
  std::lock_guard lock(mutex_);
  auto res = read(select_streams("WHERE state IN ('connecting', 'live') ORDER BY seq"), {});
  if (!res.ok()) {
    return res.error();
  }
  return read_streams(*res);
}

Result<StreamRecord> PgStore::update(const std::string& stream_id, const Mutation& mutate) {
  std::lock_guard lock(mutex_);
  return write<StreamRecord>([&]() -> Result<StreamRecord> {
    auto found = found_stream(stream_id, lock_stream(stream_id));
    if (!found.ok()) {
      return found.error();
    }
    StreamRecord r = *found;
    if (auto s = mutate(r); !s.ok()) {
      return s.error();
    }
    Params params;
    write_stream_update(r, stream_id, params);
    auto res = conn_.exec(update_stream_sql(dollar), params.all());
    if (!res.ok()) {
      return res.error();
    }
    if (auto s = record_events(&*found, &r); !s.ok()) {
      return s.error();
    }
    return r;
  });
}

Status PgStore::remove(const std::string& stream_id, const Precondition& allowed) {
  std::lock_guard lock(mutex_);
  auto r = write<bool>([&]() -> Result<bool> {
    auto found = found_stream(stream_id, lock_stream(stream_id));
    if (!found.ok()) {
      return found.error();
    }
    if (auto s = allowed(*found); !s.ok()) {
      return s.error();
    }
    if (auto res = conn_.exec("DELETE FROM streams WHERE stream_id = $1", {stream_id}); !res.ok()) {
      return res.error();
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

Status PgStore::create_key(const ApiKeyRecord& record) {
  std::lock_guard lock(mutex_);
  auto r = write<bool>([&]() -> Result<bool> {
    Params params;
    write_key(record, params);
    auto res = conn_.exec(insert_key_sql(dollar), params.all());
    if (!res.ok()) {
      return res.error();
    }
    return true;
  });
  if (!r.ok()) {
    return r.error();
  }
  return {};
}

Result<std::optional<ApiKeyRecord>> PgStore::find_active_key(const crypto::Sha256& hash) {
  std::lock_guard lock(mutex_);
  auto res = read(
      "SELECT " + key_columns() + " FROM api_keys WHERE key_hash = $1 AND revoked_at_ms IS NULL",
      {Param::bytea(hash)});
  if (!res.ok()) {
    return res.error();
  }
  if (res->rows() == 0) {
    return std::optional<ApiKeyRecord>();
  }
  return std::optional<ApiKeyRecord>(read_key(*res, 0));
}

Result<std::vector<ApiKeyRecord>> PgStore::list_keys() {
  std::lock_guard lock(mutex_);
  auto res = read("SELECT " + key_columns() + " FROM api_keys ORDER BY created_at_ms, seq", {});
  if (!res.ok()) {
    return res.error();
  }
  std::vector<ApiKeyRecord> out;
  out.reserve(static_cast<size_t>(res->rows()));
  for (int i = 0; i < res->rows(); ++i) {
    out.push_back(read_key(*res, i));
  }
  return out;
}

Status PgStore::revoke_key(const std::string& key_id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto r = write<bool>([&]() -> Result<bool> {
    auto res = conn_.exec(
        "UPDATE api_keys SET revoked_at_ms = $1 WHERE key_id = $2 AND revoked_at_ms IS NULL",
        {now_ms, key_id});
    if (!res.ok()) {
      return res.error();
    }
    if (res->affected() == 0) {
      return make_error(Code::NotFound, "no active API key " + key_id);
    }
    return true;
  });
  if (!r.ok()) {
    return r.error();
  }
  return {};
}

}  // namespace antcdn::store::postgres
