#pragma once

// SqliteStore's adapters between its statements and row_mapping.h's
// ColumnReader / ColumnWriter, shared by the files that implement it.

#include <string>

#include "store/row_mapping.h"
#include "store/sqlite/sqlite_db.h"

namespace antcdn::store::sqlite {

// A row of `stmt`, read column after column.
class Columns final : public ColumnReader {
 public:
  explicit Columns(const Statement& stmt) : stmt_(stmt) {}
  std::string text() override { return stmt_.text(col_++); }
  int64_t integer() override { return stmt_.integer(col_++); }
  std::optional<int64_t> optional_integer() override { return stmt_.optional_integer(col_++); }
  Bytes bytes() override { return stmt_.blob(col_++); }

 private:
  const Statement& stmt_;
  int col_ = 0;
};

// Binds `stmt`'s parameters one after the other.
class Params final : public ColumnWriter {
 public:
  explicit Params(Statement& stmt) : stmt_(stmt) {}
  void text(std::string_view value) override { stmt_.bind(++index_, value); }
  void integer(int64_t value) override { stmt_.bind(++index_, value); }
  void optional_integer(std::optional<int64_t> value) override { stmt_.bind(++index_, value); }
  void bytes(ByteSpan value) override { stmt_.bind(++index_, value); }

 private:
  Statement& stmt_;
  int index_ = 0;
};

// SQLite's parameter spelling for row_mapping.h: numbered in order of appearance.
inline std::string question_mark(int /*n*/) {
  return "?";
}

}  // namespace antcdn::store::sqlite
