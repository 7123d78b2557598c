#pragma once

// PgStore's adapters between libpq results / parameters and row_mapping.h's
// ColumnReader / ColumnWriter, shared by the files that implement it.

#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/row_mapping.h"

namespace antcdn::store::postgres {

// Row `row` of a result, read column after column.
class Columns final : public ColumnReader {
 public:
  Columns(const PgResult& result, int row) : result_(result), row_(row) {}
  std::string text() override { return result_.text(row_, col_++); }
  int64_t integer() override { return result_.integer(row_, col_++); }
  std::optional<int64_t> optional_integer() override {
    return result_.optional_integer(row_, col_++);
  }
  Bytes bytes() override { return result_.bytea(row_, col_++); }

 private:
  const PgResult& result_;
  int row_;
  int col_ = 0;
};

// A statement's parameters, in order.
class Params final : public ColumnWriter {
 public:
  void text(std::string_view value) override { params_.emplace_back(value); }
  void integer(int64_t value) override { params_.emplace_back(value); }
  void optional_integer(std::optional<int64_t> value) override { params_.emplace_back(value); }
  void bytes(ByteSpan value) override { params_.push_back(Param::bytea(value)); }
  const std::vector<Param>& all() const { return params_; }

 private:
  std::vector<Param> params_;
};

// PostgreSQL's parameter spelling for row_mapping.h: $1, $2, ...
inline std::string dollar(int n) {
  return std::to_string(n).insert(0, 1, '$');
}

}  // namespace antcdn::store::postgres
