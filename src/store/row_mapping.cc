#include "store/row_mapping.h"

#include <algorithm>
#include <array>
#include <span>

namespace antcdn::store {
namespace {

// Every column but seq: first those set once when a stream is created, then
// (from kFirstChanging) those update() writes. read_stream(), write_new_stream()
// and write_changing() follow this order.
constexpr std::array<std::string_view, 17> kStreamColumns = {
    "stream_id",     "edge_id",        "owner_key_id",      "created_at_ms",
    "name",          "state",          "quality",           "reconnect_window_s",
    "started_at_ms", "ended_at_ms",    "error_reason",      "stream_key_hash",
    "ingest_node",   "lease_until_ms", "recording_enabled", "recording_retention_days",
    "latency_mode"};
constexpr size_t kFirstChanging = 4;
constexpr std::array<std::string_view, 5> kKeyColumns = {"key_id", "name", "key_hash",
                                                         "created_at_ms", "revoked_at_ms"};

// "a, b, c"; with `param`, "a = $1, b = $2, c = $3" in that backend's spelling.
std::string join(std::span<const std::string_view> names, ParamSpelling param = nullptr) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out.append(i == 0 ? "" : ", ").append(names[i]);
    if (param != nullptr) {
      out.append(" = ").append(param(static_cast<int>(i) + 1));
    }
  }
  return out;
}

// "$1, $2, …, $n" in the backend's spelling.
std::string params(ParamSpelling param, size_t n) {
  std::string out;
  for (size_t i = 1; i <= n; ++i) {
    out.append(i == 1 ? "" : ", ").append(param(static_cast<int>(i)));
  }
  return out;
}

crypto::Sha256 to_hash(const Bytes& b) {
  crypto::Sha256 h{};
  std::copy_n(b.begin(), std::min(b.size(), h.size()), h.begin());
  return h;
}

void write_changing(const StreamRecord& r, ColumnWriter& out) {
  out.text(r.name);
  out.text(media::to_string(r.state));
  out.text(media::to_string(r.quality));
  out.integer(r.reconnect_window_s);
  out.optional_integer(r.started_at_ms);
  out.optional_integer(r.ended_at_ms);
  out.text(r.error_reason);
  out.bytes(r.stream_key_hash);
  out.text(r.ingest_node);
  out.optional_integer(r.lease_until_ms);
  out.integer(r.recording_enabled ? 1 : 0);
  out.integer(r.recording_retention_days);
  out.text(media::to_string(r.latency_mode));
}

}  // namespace

const std::string& stream_columns() {
  static const std::string columns = "seq, " + join(kStreamColumns);
  return columns;
}

StreamRecord read_stream(ColumnReader& row) {
  StreamRecord r;
  r.seq = row.integer();
  r.stream_id = row.text();
  r.edge_id = row.text();
  r.owner_key_id = row.text();
  r.created_at_ms = row.integer();
  r.name = row.text();
  r.state = media::parse_stream_state(row.text()).value_or(media::StreamState::Error);
  r.quality = media::parse_quality(row.text()).value_or(media::Quality::Standard);
  r.reconnect_window_s = static_cast<int>(row.integer());
  r.started_at_ms = row.optional_integer();
  r.ended_at_ms = row.optional_integer();
  r.error_reason = row.text();
  r.stream_key_hash = to_hash(row.bytes());
  r.ingest_node = row.text();
  r.lease_until_ms = row.optional_integer();
  r.recording_enabled = row.integer() != 0;
  r.recording_retention_days = static_cast<int>(row.integer());
  r.latency_mode = media::parse_latency_mode(row.text()).value_or(media::LatencyMode::Low);
  return r;
}

std::string insert_stream_sql(ParamSpelling param) {
  return "INSERT INTO streams (" + join(kStreamColumns) + ") VALUES (" +
         params(param, kStreamColumns.size()) + ")";
}

void write_new_stream(const StreamRecord& record, ColumnWriter& out) {
  out.text(record.stream_id);
  out.text(record.edge_id);
  out.text(record.owner_key_id);
  out.integer(record.created_at_ms);
  write_changing(record, out);
}

std::string update_stream_sql(ParamSpelling param) {
  auto changing = std::span(kStreamColumns).subspan(kFirstChanging);
  return "UPDATE streams SET " + join(changing, param) +
         " WHERE stream_id = " + param(static_cast<int>(changing.size()) + 1);
}

void write_stream_update(const StreamRecord& record, std::string_view stream_id,
                         ColumnWriter& out) {
  write_changing(record, out);
  out.text(stream_id);
}

const std::string& key_columns() {
  static const std::string columns = join(kKeyColumns);
  return columns;
}

ApiKeyRecord read_key(ColumnReader& row) {
  ApiKeyRecord r;
  r.key_id = row.text();
  r.name = row.text();
  r.key_hash = to_hash(row.bytes());
  r.created_at_ms = row.integer();
  r.revoked_at_ms = row.optional_integer();
  return r;
}

std::string insert_key_sql(ParamSpelling param) {
  return "INSERT INTO api_keys (" + key_columns() + ") VALUES (" +
         params(param, kKeyColumns.size()) + ")";
}

void write_key(const ApiKeyRecord& record, ColumnWriter& out) {
  out.text(record.key_id);
  out.text(record.name);
  out.bytes(record.key_hash);
  out.integer(record.created_at_ms);
  out.optional_integer(record.revoked_at_ms);
}

}  // namespace antcdn::store
