#pragma once

// RAII over the SQLite C API: one connection, prepared statements that finalize
// themselves. Errors come back as Result, never exceptions.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace antcdn::store::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&&) = default;

  // Bind by 1-based index.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, ByteSpan blob);
  Statement& bind(int index, std::optional<int64_t> value);

  // True while a row is available; an error ends the iteration.
  Result<bool> step();
  Status run();  // steps to completion, expecting no rows

  std::string text(int col) const;
  int64_t integer(int col) const;
  std::optional<int64_t> optional_integer(int col) const;
  Bytes blob(int col) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class Database {
 public:
  static Result<Database> open(const std::string& path);

  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  int changes() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit Database(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace antcdn::store::sqlite
