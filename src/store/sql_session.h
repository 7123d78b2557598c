#pragma once

// One open transaction of a store, as the SQL written once for both backends
// (the outbox: sql_webhooks.cc, stream_outbox.cc) sees it. Statements spell
// parameters `?`; the PostgreSQL adapter renumbers them `$n`. Values that
// PostgreSQL cannot type from their column (a SELECT list) are written
// CAST(? AS BIGINT), which SQLite reads the same way.

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/result.h"
#include "store/row_mapping.h"

namespace antcdn::store {

class SqlSession {
 public:
  enum class Dialect { Sqlite, Postgres };
  using Bind = std::function<void(ColumnWriter&)>;
  using Row = std::function<void(ColumnReader&)>;

  virtual ~SqlSession() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement: `bind` writes its parameters in order, `row` reads each
  // row it returns. The number of rows it changed.
  virtual Result<int64_t> run(std::string_view sql, const Bind& bind, const Row& row) = 0;
  Result<int64_t> run(std::string_view sql, const Bind& bind) { return run(sql, bind, {}); }
};

// Runs `body` in one transaction of the store (rolled back when it fails),
// serialised with the store's other calls.
using SqlBody = std::function<Status(SqlSession&)>;
using Transact = std::function<Status(const SqlBody& body)>;

}  // namespace antcdn::store
