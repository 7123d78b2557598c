#pragma once

// The RTMP listener's counters (docs/operations.md, "Metrics"). The listener
// bumps them on its event loop; they are relaxed atomics, read by a scrape.

#include "metrics/registry.h"

namespace antcdn::ingest::rtmp {

struct IngestMetrics {
  explicit IngestMetrics(metrics::Registry& registry);

  metrics::Counter& bytes;         // read from every RTMP connection, publishing or not
  metrics::Counter& video_frames;  // media messages of publishing connections
  metrics::Counter& audio_frames;
  metrics::Gauge& publishers;  // connections publishing now
};

}  // namespace antcdn::ingest::rtmp
