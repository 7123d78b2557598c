#pragma once

// SEAM: what the edge needs to know about a stream, by its public edge id. The
// edge never sees stream ids, names or keys, only the state and the times a
// viewer page may show.

#include <cstdint>
#include <optional>
#include <string>

#include "lifecycle/state_machine.h"

namespace antcdn::edge {

struct EdgeStreamInfo {
  lifecycle::State state = lifecycle::State::Idle;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> ended_at_ms;
};

class StreamDirectory {
 public:
  virtual ~StreamDirectory() = default;
  // nullopt when no stream has this edge id (never created, or deleted).
  // Called for every edge request: implementations must be cheap and thread-safe.
  virtual std::optional<EdgeStreamInfo> lookup(const std::string& edge_id) = 0;
};

}  // namespace antcdn::edge
