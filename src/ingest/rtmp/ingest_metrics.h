#pragma once

// The RTMP listener's counters (docs/operations.md, "Metrics"). The listener
// bumps them on its event loop; they are relaxed atomics, read by a scrape.

#include <memory>
#include <optional>
#include <string>

#include "metrics/registry.h"

namespace antcdn::ingest::rtmp {

// One publishing connection's series (--metrics-per-stream), labelled with the
// stream id; they leave the exposition when the connection ends.
struct StreamIngestCounters {
  std::shared_ptr<metrics::Counter> bytes;
  std::shared_ptr<metrics::Counter> video_frames;
  std::shared_ptr<metrics::Counter> audio_frames;
};

class IngestMetrics {
 public:
  explicit IngestMetrics(metrics::Registry& registry, bool per_stream = false);

  // Per-stream series for `stream_id`, or nullopt when they are off.
  std::optional<StreamIngestCounters> for_stream(const std::string& stream_id) const;

  metrics::Counter& bytes;         // read from every RTMP connection, publishing or not
  metrics::Counter& video_frames;  // media messages of publishing connections
  metrics::Counter& audio_frames;
  metrics::Gauge& publishers;  // connections publishing now

 private:
  metrics::Registry* per_stream_;  // null: no per-stream series
};

}  // namespace antcdn::ingest::rtmp
