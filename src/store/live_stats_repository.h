#pragma once

// SEAM: the figures of streams on air that several nodes share through the
// database (docs/api.md, "Stream health" and "Viewers"): each ingest node
// writes the health of its publishes, each edge node its viewer counts, every
// few seconds from a thread that may block; the API and the edges' status.json
// read them. Rows carry the writer's clock (unix ms): readers ask for rows
// newer than a bound, so a node that stopped writing drops out by itself (nodes
// need synchronised clocks, as the publish leases do).

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"
#include "media/stream_health.h"

namespace antcdn::store {

class LiveStatsRepository {
 public:
  virtual ~LiveStatsRepository() = default;

  // Replaces the stream's health row.
  virtual Status put_health(const std::string& stream_id, const std::string& node_id,
                            const media::StreamHealth& health, int64_t now_ms) = 0;
  // Removes the stream's health row if `node_id` wrote it (a node whose session
  // was taken over must not remove its successor's).
  virtual Status remove_health(const std::string& stream_id, const std::string& node_id) = 0;
  // The stream's health if it was written at or after `fresh_since_ms`.
  virtual Result<std::optional<media::StreamHealth>> get_health(const std::string& stream_id,
                                                                int64_t fresh_since_ms) = 0;

  // Replaces every viewer row of `node_id` with `counts` (edge id -> viewers;
  // streams without viewers are left out).
  virtual Status put_viewers(const std::string& node_id,
                             const std::map<std::string, int64_t>& counts, int64_t now_ms) = 0;
  // The sum over nodes of the stream's viewer rows written at or after `fresh_since_ms`.
  virtual Result<int64_t> count_viewers(const std::string& edge_id, int64_t fresh_since_ms) = 0;

  // Deletes health and viewer rows written before `before_ms` (nodes that went away).
  virtual Status purge_live_stats(int64_t before_ms) = 0;
};

}  // namespace antcdn::store
