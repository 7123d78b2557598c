#pragma once

// What the node's thumbnails cost (docs/operations.md, "Metrics"): each
// render's CPU time, and the renders that gave no picture.

#include "metrics/registry.h"

namespace antcdn::thumbnail {

struct ThumbnailMetrics {
  explicit ThumbnailMetrics(metrics::Registry& registry);

  metrics::Histogram& render_cpu_seconds;  // one observation per render (thread CPU time)
  metrics::Counter& failed_renders;        // objects that gave no picture
};

}  // namespace antcdn::thumbnail
