#include "store/live_stats_mapping.h"

#include <array>
#include <cmath>
#include <string_view>

namespace antcdn::store {
namespace {

// Written by write_health() and read by read_health() in this order.
constexpr std::array<std::string_view, 15> kHealthColumns = {
    "stream_id",  "node_id",     "updated_at_ms", "status",           "reason",
    "video_kbps", "audio_kbps",  "fps_milli",     "keyframe_ms",      "width",
    "height",     "video_codec", "audio_codec",   "last_frame_at_ms", "dropped_gops"};
// read_health() starts after the key and bookkeeping columns.
constexpr size_t kFirstFigure = 3;

std::string join(size_t from) {
  std::string out;
  for (size_t i = from; i < kHealthColumns.size(); ++i) {
    out.append(i == from ? "" : ", ").append(kHealthColumns[i]);
  }
  return out;
}

std::optional<int64_t> widen(std::optional<int> v) {
  return v ? std::optional<int64_t>(*v) : std::nullopt;
}

std::optional<int> narrow(std::optional<int64_t> v) {
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

// "(p1, p2, …, pn)" continuing the backend's numbering after `first - 1`.
std::string tuple(ParamSpelling param, int first, size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) {
    out.append(i == 0 ? "" : ", ").append(param(first + static_cast<int>(i)));
  }
  return out + ")";
}

}  // namespace

const std::string& health_columns() {
  static const std::string columns = join(kFirstFigure);
  return columns;
}

media::StreamHealth read_health(ColumnReader& row) {
  media::StreamHealth h;
  h.status = media::parse_health_status(row.text()).value_or(media::HealthStatus::Starving);
  h.reason = row.text();
  h.video_bitrate_kbps = row.integer();
  h.audio_bitrate_kbps = row.integer();
  h.fps = static_cast<double>(row.integer()) / 1000.0;
  if (auto ms = row.optional_integer()) {
    h.keyframe_interval_s = static_cast<double>(*ms) / 1000.0;
  }
  h.width = narrow(row.optional_integer());
  h.height = narrow(row.optional_integer());
  h.video_codec = row.text();
  h.audio_codec = row.text();
  h.last_frame_at_ms = row.optional_integer();
  h.dropped_gops = row.integer();
  return h;
}

std::string upsert_health_sql(ParamSpelling param) {
  std::string sql = "INSERT INTO stream_health (" + join(0) + ") VALUES " +
                    tuple(param, 1, kHealthColumns.size()) +
                    " ON CONFLICT (stream_id) DO UPDATE SET ";
  for (size_t i = 1; i < kHealthColumns.size(); ++i) {
    sql.append(i == 1 ? "" : ", ")
        .append(kHealthColumns[i])
        .append(" = excluded.")
        .append(kHealthColumns[i]);
  }
  return sql;
}

void write_health(std::string_view stream_id, std::string_view node_id,
                  const media::StreamHealth& h, int64_t now_ms, ColumnWriter& out) {
  out.text(stream_id);
  out.text(node_id);
  out.integer(now_ms);
  out.text(media::to_string(h.status));
  out.text(h.reason);
  out.integer(h.video_bitrate_kbps);
  out.integer(h.audio_bitrate_kbps);
  out.integer(std::llround(h.fps * 1000.0));
  out.optional_integer(h.keyframe_interval_s
                           ? std::optional<int64_t>(std::llround(*h.keyframe_interval_s * 1000.0))
                           : std::nullopt);
  out.optional_integer(widen(h.width));
  out.optional_integer(widen(h.height));
  out.text(h.video_codec);
  out.text(h.audio_codec);
  out.optional_integer(h.last_frame_at_ms);
  out.integer(h.dropped_gops);
}

std::string upsert_viewers_sql(ParamSpelling param, size_t rows) {
  std::string sql = "INSERT INTO stream_viewers (edge_id, node_id, viewers, updated_at_ms) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    sql.append(r == 0 ? "" : ", ").append(tuple(param, static_cast<int>(r * 4) + 1, 4));
  }
  return sql +
         " ON CONFLICT (edge_id, node_id) DO UPDATE SET viewers = excluded.viewers, "
         "updated_at_ms = excluded.updated_at_ms";
}

void write_viewers(std::string_view edge_id, std::string_view node_id, int64_t viewers,
                   int64_t now_ms, ColumnWriter& out) {
  out.text(edge_id);
  out.text(node_id);
  out.integer(viewers);
  out.integer(now_ms);
}

}  // namespace antcdn::store
