#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include "common/blocking.h"

namespace antcdn::store::sqlite {
namespace {

Error db_error(sqlite3* db, std::string_view what) {
  return make_error(Code::Unavailable, std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* s) const {
  sqlite3_finalize(s);
}
void Database::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, ByteSpan blob) {
  sqlite3_bind_blob(stmt_.get(), index, blob.data(), static_cast<int>(blob.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::optional<int64_t> value) {
  if (value) {
    return bind(index, *value);
  }
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> Statement::step() {
  assert_may_block("SQLite statement");
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  if (rc == SQLITE_CONSTRAINT) {
    return make_error(Code::Conflict, std::string("constraint: ") + sqlite3_errmsg(db_));
  }
  return db_error(db_, "sqlite step");
}

Status Statement::run() {
  auto r = step();
  if (!r.ok()) {
    return r.error();
  }
  return {};
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col)))
           : std::string();
}

int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_.get(), col);
}

std::optional<int64_t> Statement::optional_integer(int col) const {
  if (sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL) {
    return std::nullopt;
  }
  return integer(col);
}

Bytes Statement::blob(int col) const {
  const auto* p = static_cast<const std::byte*>(sqlite3_column_blob(stmt_.get(), col));
  auto n = static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col));
  return p ? Bytes(p, p + n) : Bytes();
}

Result<Database> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) {
    return db_error(raw, "open " + path);
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Status Database::exec(std::string_view sql) {
  assert_may_block("SQLite exec");
  std::string copy(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), copy.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return make_error(Code::Unavailable, "sqlite: " + text);
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return db_error(db_.get(), "sqlite prepare");
  }
  return Statement(db_.get(), stmt);
}

int Database::changes() const {
  return sqlite3_changes(db_.get());
}

}  // namespace antcdn::store::sqlite
