#include "store/row_mapping.h"

#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "unit/store/records.h"

namespace antcdn::store {
namespace {

using Value = std::variant<std::string, int64_t, std::optional<int64_t>, Bytes>;

// A row as a backend would hold it: whatever the writer wrote, read back in order.
class Row final : public ColumnWriter, public ColumnReader {
 public:
  void text(std::string_view value) override { values_.emplace_back(std::string(value)); }
  void integer(int64_t value) override { values_.emplace_back(value); }
  void optional_integer(std::optional<int64_t> value) override { values_.emplace_back(value); }
  void bytes(ByteSpan value) override { values_.emplace_back(Bytes(value.begin(), value.end())); }

  std::string text() override { return std::get<std::string>(values_.at(next_++)); }
  int64_t integer() override { return std::get<int64_t>(values_.at(next_++)); }
  std::optional<int64_t> optional_integer() override {
    return std::get<std::optional<int64_t>>(values_.at(next_++));
  }
  Bytes bytes() override { return std::get<Bytes>(values_.at(next_++)); }

  size_t size() const { return values_.size(); }

 private:
  std::vector<Value> values_;
  size_t next_ = 0;
};

std::string dollar(int n) {
  return std::to_string(n).insert(0, 1, '$');
}

std::string question_mark(int) {
  return "?";
}

TEST(RowMapping, AStreamReadsBackAsItWasWritten) {
  StreamRecord r = test::make_stream("key_a", "Friday");
  r.state = media::StreamState::Live;
  r.quality = media::Quality::High;
  r.reconnect_window_s = 30;
  r.started_at_ms = 1700000001000;
  r.error_reason = "none";
  r.ingest_node = "ingest-a";
  r.lease_until_ms = 1700000011000;
  r.recording_enabled = false;
  r.recording_retention_days = 30;
  r.latency_mode = media::LatencyMode::Standard;

  Row row;
  row.integer(42);  // seq, which the database assigns
  write_new_stream(r, row);
  ASSERT_EQ(row.size(), 18u);
  r.seq = 42;
  test::expect_same(read_stream(row), r);
}

TEST(RowMapping, AKeyReadsBackAsItWasWritten) {
  ApiKeyRecord k{.key_id = "key_1",
                 .name = "ci",
                 .key_hash = crypto::sha256("k"),
                 .created_at_ms = 5,
                 .revoked_at_ms = 9};
  Row row;
  write_key(k, row);
  ApiKeyRecord back = read_key(row);
  EXPECT_EQ(back.key_id, k.key_id);
  EXPECT_EQ(back.name, k.name);
  EXPECT_EQ(back.key_hash, k.key_hash);
  EXPECT_EQ(back.created_at_ms, k.created_at_ms);
  EXPECT_EQ(back.revoked_at_ms, k.revoked_at_ms);
}

TEST(RowMapping, StatementsNameTheColumnsInTheWritersOrder) {
  EXPECT_EQ(stream_columns(),
            "seq, stream_id, edge_id, owner_key_id, created_at_ms, name, state, quality, "
            "reconnect_window_s, started_at_ms, ended_at_ms, error_reason, stream_key_hash, "
            "ingest_node, lease_until_ms, recording_enabled, recording_retention_days, "
            "latency_mode");
  EXPECT_EQ(insert_stream_sql(question_mark),
            "INSERT INTO streams (" + stream_columns().substr(5) +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  EXPECT_EQ(update_stream_sql(dollar),
            "UPDATE streams SET name = $1, state = $2, quality = $3, reconnect_window_s = $4, "
            "started_at_ms = $5, ended_at_ms = $6, error_reason = $7, stream_key_hash = $8, "
            "ingest_node = $9, lease_until_ms = $10, recording_enabled = $11, "
            "recording_retention_days = $12, latency_mode = $13 WHERE stream_id = $14");
  Row update;
  write_stream_update(StreamRecord{}, "ls_x", update);
  EXPECT_EQ(update.size(), 14u);
  EXPECT_EQ(insert_key_sql(dollar),
            "INSERT INTO api_keys (key_id, name, key_hash, created_at_ms, revoked_at_ms) "
            "VALUES ($1, $2, $3, $4, $5)");
}

}  // namespace
}  // namespace antcdn::store
