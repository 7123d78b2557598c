// SqliteStore's LiveStatsRepository (live_stats_repository.h). No transactions:
// every call is one statement, or statements whose in-between state a reader
// may see without harm (fresh rows of the same node).

#include <vector>

#include "store/live_stats_mapping.h"
#include "store/sqlite/sqlite_columns.h"
#include "store/sqlite/sqlite_store.h"

namespace antcdn::store::sqlite {

Status SqliteStore::put_health(const std::string& stream_id, const std::string& node_id,
                               const media::StreamHealth& health, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(upsert_health_sql(question_mark));
  if (!stmt.ok()) {
    return stmt.error();
  }
  Params params(*stmt);
  write_health(stream_id, node_id, health, now_ms, params);
  return stmt->run();
}

Status SqliteStore::remove_health(const std::string& stream_id, const std::string& node_id) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("DELETE FROM stream_health WHERE stream_id = ? AND node_id = ?");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, std::string_view(stream_id)).bind(2, std::string_view(node_id));
  return stmt->run();
}

Result<std::optional<media::StreamHealth>> SqliteStore::get_health(const std::string& stream_id,
                                                                   int64_t fresh_since_ms) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare("SELECT " + health_columns() +
                          " FROM stream_health WHERE stream_id = ? AND updated_at_ms >= ?");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, std::string_view(stream_id)).bind(2, fresh_since_ms);
  auto row = stmt->step();
  if (!row.ok()) {
    return row.error();
  }
  if (!*row) {
    return std::optional<media::StreamHealth>();
  }
  Columns columns(*stmt);
  return std::optional<media::StreamHealth>(read_health(columns));
}

Status SqliteStore::put_viewers(const std::string& node_id,
                                const std::map<std::string, int64_t>& counts, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, int64_t>> rows(counts.begin(), counts.end());
  for (size_t first = 0; first < rows.size(); first += kViewerRowsPerStatement) {
    size_t n = std::min(kViewerRowsPerStatement, rows.size() - first);
    auto stmt = db_.prepare(upsert_viewers_sql(question_mark, n));
    if (!stmt.ok()) {
      return stmt.error();
    }
    Params params(*stmt);
    for (size_t i = first; i < first + n; ++i) {
      write_viewers(rows[i].first, node_id, rows[i].second, now_ms, params);
    }
    if (auto s = stmt->run(); !s.ok()) {
      return s;
    }
  }
  // This node's streams that have no viewers any more.
  auto stale = db_.prepare("DELETE FROM stream_viewers WHERE node_id = ? AND updated_at_ms < ?");
  if (!stale.ok()) {
    return stale.error();
  }
  stale->bind(1, std::string_view(node_id)).bind(2, now_ms);
  return stale->run();
}

Result<int64_t> SqliteStore::count_viewers(const std::string& edge_id, int64_t fresh_since_ms) {
  std::lock_guard lock(mutex_);
  auto stmt = db_.prepare(
      "SELECT COALESCE(SUM(viewers), 0) FROM stream_viewers WHERE edge_id = ? AND "
      "updated_at_ms >= ?");
  if (!stmt.ok()) {
    return stmt.error();
  }
  stmt->bind(1, std::string_view(edge_id)).bind(2, fresh_since_ms);
  if (auto row = stmt->step(); !row.ok()) {
    return row.error();
  }
  return stmt->integer(0);
}

Status SqliteStore::purge_live_stats(int64_t before_ms) {
  std::lock_guard lock(mutex_);
  for (std::string_view sql : {"DELETE FROM stream_health WHERE updated_at_ms < ?",
                               "DELETE FROM stream_viewers WHERE updated_at_ms < ?"}) {
    auto stmt = db_.prepare(sql);
    if (!stmt.ok()) {
      return stmt.error();
    }
    stmt->bind(1, before_ms);
    if (auto s = stmt->run(); !s.ok()) {
      return s;
    }
  }
  return {};
}

}  // namespace antcdn::store::sqlite
