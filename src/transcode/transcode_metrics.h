#pragma once

// What every transcoder of the node adds to (docs/operations.md, "Metrics"):
// shared by all of them, bumped under each transcoder's own queue mutex.

#include "metrics/registry.h"

namespace antcdn::transcode {

struct TranscodeMetrics {
  explicit TranscodeMetrics(metrics::Registry& registry);

  metrics::Gauge& queued_frames;  // access units waiting for the workers, all streams
  metrics::Counter& shed_gops;    // times video was shed up to the next keyframe
  metrics::Counter& shed_frames;
};

}  // namespace antcdn::transcode
