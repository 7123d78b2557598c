#pragma once

// One publish's HealthCalculator behind a mutex: fed on the ingest loop (and
// told of shed GOPs from the transcoder's enqueue, on the same loop), read by
// the live-stats reporter's thread. Each call holds the lock for a few
// microseconds and never waits on anything else.

#include <mutex>
#include <vector>

#include "ingest/health/health_calculator.h"

namespace antcdn::ingest::health {

class HealthMeter {
 public:
  explicit HealthMeter(HealthRules rules = {}) : calculator_(rules) {}

  void on_tracks(const std::vector<media::TrackInfo>& tracks);
  void on_unit(const media::AccessUnit& unit);
  void on_gop_shed(int64_t now_ms);
  // The publish is over for good (not a drop within the reconnect window).
  void end();

  bool ended() const;
  media::StreamHealth snapshot(int64_t now_ms) const;

 private:
  mutable std::mutex mutex_;
  HealthCalculator calculator_;
  bool ended_ = false;
};

}  // namespace antcdn::ingest::health
