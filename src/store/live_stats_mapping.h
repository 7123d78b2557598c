#pragma once

// How the live figures (live_stats_repository.h) map to the columns of
// stream_health and stream_viewers, in one place for both stores, like
// row_mapping.h does for streams and keys. Fractions are stored as integers
// (frames per 1000 s, keyframe interval in ms) so both backends read them the
// same way.

#include <cstddef>
#include <cstdint>
#include <string>

#include "media/stream_health.h"
#include "store/row_mapping.h"

namespace antcdn::store {

// The SELECT list read_health() reads.
const std::string& health_columns();
media::StreamHealth read_health(ColumnReader& row);

// INSERT of a stream's health row that replaces the one it has, filled by write_health().
std::string upsert_health_sql(ParamSpelling param);
void write_health(std::string_view stream_id, std::string_view node_id,
                  const media::StreamHealth& health, int64_t now_ms, ColumnWriter& out);

// INSERT of `rows` viewer rows replacing those of the same (edge id, node),
// each filled by write_viewers().
std::string upsert_viewers_sql(ParamSpelling param, size_t rows);
void write_viewers(std::string_view edge_id, std::string_view node_id, int64_t viewers,
                   int64_t now_ms, ColumnWriter& out);
// Rows per upsert_viewers_sql() statement (SQLite allows 999 parameters in old builds).
inline constexpr size_t kViewerRowsPerStatement = 200;

}  // namespace antcdn::store
