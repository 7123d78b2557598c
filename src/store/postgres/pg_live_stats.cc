// PgStore's LiveStatsRepository (live_stats_repository.h). No transactions:
// every call is one statement, or statements whose in-between state a reader
// may see without harm (fresh rows of the same node). Each statement may run
// twice (upserts of the same values, deletes by age), so all are retried once
// on a fresh connection, like reads.

#include <vector>

#include "store/live_stats_mapping.h"
#include "store/postgres/pg_columns.h"
#include "store/postgres/pg_store.h"

namespace antcdn::store::postgres {

Status PgStore::put_health(const std::string& stream_id, const std::string& node_id,
                           const media::StreamHealth& health, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Params params;
  write_health(stream_id, node_id, health, now_ms, params);
  auto r = idempotent(upsert_health_sql(dollar), params.all());
  return r.ok() ? Status{} : Status(r.error());
}

Status PgStore::remove_health(const std::string& stream_id, const std::string& node_id) {
  std::lock_guard lock(mutex_);
  std::vector<Param> params{stream_id, node_id};
  auto r = idempotent("DELETE FROM stream_health WHERE stream_id = $1 AND node_id = $2", params);
  return r.ok() ? Status{} : Status(r.error());
}

Result<std::optional<media::StreamHealth>> PgStore::get_health(const std::string& stream_id,
                                                               int64_t fresh_since_ms) {
  std::lock_guard lock(mutex_);
  auto res = read("SELECT " + health_columns() +
                      " FROM stream_health WHERE stream_id = $1 AND updated_at_ms >= $2",
                  {stream_id, fresh_since_ms});
  if (!res.ok()) {
    return res.error();
  }
  if (res->rows() == 0) {
    return std::optional<media::StreamHealth>();
  }
  Columns columns(*res, 0);
  return std::optional<media::StreamHealth>(read_health(columns));
}

Status PgStore::put_viewers(const std::string& node_id,
                            const std::map<std::string, int64_t>& counts, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, int64_t>> rows(counts.begin(), counts.end());
  for (size_t first = 0; first < rows.size(); first += kViewerRowsPerStatement) {
    size_t n = std::min(kViewerRowsPerStatement, rows.size() - first);
    Params params;
    for (size_t i = first; i < first + n; ++i) {
      write_viewers(rows[i].first, node_id, rows[i].second, now_ms, params);
    }
    if (auto r = idempotent(upsert_viewers_sql(dollar, n), params.all()); !r.ok()) {
      return r.error();
    }
  }
  // This node's streams that have no viewers any more.
  std::vector<Param> params{node_id, now_ms};
  auto r =
      idempotent("DELETE FROM stream_viewers WHERE node_id = $1 AND updated_at_ms < $2", params);
  return r.ok() ? Status{} : Status(r.error());
}

Result<int64_t> PgStore::count_viewers(const std::string& edge_id, int64_t fresh_since_ms) {
  std::lock_guard lock(mutex_);
  auto res = read(
      "SELECT COALESCE(SUM(viewers), 0) FROM stream_viewers WHERE edge_id = $1 AND "
      "updated_at_ms >= $2",
      {edge_id, fresh_since_ms});
  if (!res.ok()) {
    return res.error();
  }
  return res->rows() > 0 ? res->integer(0, 0) : int64_t{0};
}

Status PgStore::purge_live_stats(int64_t before_ms) {
  std::lock_guard lock(mutex_);
  std::vector<Param> params{before_ms};
  for (std::string_view sql : {"DELETE FROM stream_health WHERE updated_at_ms < $1",
                               "DELETE FROM stream_viewers WHERE updated_at_ms < $1"}) {
    if (auto r = idempotent(sql, params); !r.ok()) {
      return r.error();
    }
  }
  return {};
}

}  // namespace antcdn::store::postgres
