#pragma once

// The edge's request counters (docs/operations.md, "Metrics"): requests by kind
// of resource and status, and the body bytes sent. Every series exists from the
// start (zero until used), so recording is an array lookup and an atomic add.

#include <array>
#include <cstddef>

#include "edge/edge_path.h"
#include "metrics/registry.h"

namespace antcdn::edge {

enum class RequestKind { Master, Playlist, Init, Segment, Part, Status, Thumbnail, Watch, Other };

// The kind of a parsed media path.
RequestKind kind_of(EdgeResource resource);

class EdgeMetrics {
 public:
  explicit EdgeMetrics(metrics::Registry& registry);

  // One answered request; `body_bytes` is 0 for HEAD.
  void record(RequestKind kind, int status, size_t body_bytes);

 private:
  static constexpr size_t kKinds = 9;
  // What the edge router answers; anything else is counted as status="other".
  static constexpr std::array<int, 6> kStatuses = {200, 204, 400, 404, 405, 503};

  std::array<std::array<metrics::Counter*, kStatuses.size() + 1>, kKinds> requests_{};
  std::array<metrics::Counter*, kKinds> bytes_{};
};

}  // namespace antcdn::edge
