#pragma once

// The node's publishes whose health is reported: a meter per stream id, taken
// by the session pipeline when a publish starts and read every few seconds by
// the live-stats reporter, which writes the snapshots to the store (where the
// API of any node reads them) and removes the rows of publishes that ended.
// Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/health/health_meter.h"

namespace antcdn::ingest::health {

class HealthBoard {
 public:
  explicit HealthBoard(HealthRules rules = {}) : rules_(rules) {}

  // A meter for a new publish of `stream_id`, replacing an older one's. The
  // board keeps it only while the publish's pipeline does.
  std::shared_ptr<HealthMeter> start(const std::string& stream_id);

  struct Report {
    std::vector<std::pair<std::string, media::StreamHealth>> on_air;
    // Publishes that ended (or whose pipeline is gone) since the last report:
    // they leave the board.
    std::vector<std::string> ended;
  };
  Report collect(int64_t now_ms);

 private:
  HealthRules rules_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<HealthMeter>> meters_;
};

}  // namespace antcdn::ingest::health
