#pragma once

// How StreamRecord and ApiKeyRecord map to the columns of their tables, in one
// place for both stores: each backend adapts its statements to the two small
// accessors below, and builds its SQL from the column lists here, so a column
// is added (after its migration) here alone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "store/repositories.h"

namespace antcdn::store {

// One result row, read column after column, in the order of the SELECT list.
class ColumnReader {
 public:
  virtual ~ColumnReader() = default;
  virtual std::string text() = 0;
  virtual int64_t integer() = 0;  // 0 for NULL
  virtual std::optional<int64_t> optional_integer() = 0;
  virtual Bytes bytes() = 0;  // empty for NULL
};

// A statement's parameters, written one after the other from the first.
class ColumnWriter {
 public:
  virtual ~ColumnWriter() = default;
  virtual void text(std::string_view value) = 0;
  virtual void integer(int64_t value) = 0;
  virtual void optional_integer(std::optional<int64_t> value) = 0;  // nullopt: NULL
  virtual void bytes(ByteSpan value) = 0;
};

// How a backend spells its n-th parameter (from 1): "?" in SQLite, "$n" in PostgreSQL.
using ParamSpelling = std::string (*)(int n);

// "seq, stream_id, …": the SELECT list read_stream() reads.
const std::string& stream_columns();
StreamRecord read_stream(ColumnReader& row);

// INSERT INTO streams (every column but seq) VALUES (…), filled by write_new_stream().
std::string insert_stream_sql(ParamSpelling param);
void write_new_stream(const StreamRecord& record, ColumnWriter& out);

// UPDATE of every column a stream's life changes, of the row `stream_id` names,
// filled by write_stream_update().
std::string update_stream_sql(ParamSpelling param);
void write_stream_update(const StreamRecord& record, std::string_view stream_id, ColumnWriter& out);

// "key_id, name, …": the SELECT list read_key() reads and the INSERT list
// insert_key_sql() names.
const std::string& key_columns();
ApiKeyRecord read_key(ColumnReader& row);
std::string insert_key_sql(ParamSpelling param);
void write_key(const ApiKeyRecord& record, ColumnWriter& out);

}  // namespace antcdn::store
