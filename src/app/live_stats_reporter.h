#pragma once

// Writes this node's live figures to the store every couple of seconds, on a
// thread of its own that may block (docs/architecture.md, "Threads"): the
// health of the publishes this node ingests (HealthBoard) and the viewer
// counts of its edge (ViewerCounter), so that the API and status.json of every
// node can show them. Publishes that ended have their health row removed; rows
// of nodes that went away are purged by age. A pass that finds the store down
// is logged once (and its recovery), then tried again at the next interval;
// nothing queues up behind it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "edge/viewer_counter.h"
#include "ingest/health/health_board.h"
#include "metrics/counter.h"
#include "store/live_stats_repository.h"

namespace antcdn::app {

struct LiveStatsReporterOptions {
  std::string node_id;
  std::chrono::milliseconds interval{2000};
  // Rows nobody rewrote for this long are deleted (by any node).
  int64_t purge_after_ms = 60000;
  int purge_every_passes = 15;
};

class LiveStatsReporter {
 public:
  // `health` (ingest role), `viewers` (edge role) and `viewers_gauge` may be null.
  LiveStatsReporter(store::LiveStatsRepository& figures, ingest::health::HealthBoard* health,
                    edge::ViewerCounter* viewers, metrics::Gauge* viewers_gauge,
                    LiveStatsReporterOptions options);
  ~LiveStatsReporter();
  LiveStatsReporter(const LiveStatsReporter&) = delete;
  LiveStatsReporter& operator=(const LiveStatsReporter&) = delete;

  void start();
  // Wakes the thread and joins it (after the store call in flight, if any).
  void stop();

  // One pass at `now_ms` (the thread's work; tests call it directly).
  void report_once(int64_t now_ms);

 private:
  void run();
  Status report_health(int64_t now_ms);
  Status report_viewers(int64_t now_ms);
  void note(const char* what, const Status& s, bool& failing);

  store::LiveStatsRepository& figures_;
  ingest::health::HealthBoard* health_;
  edge::ViewerCounter* viewers_;
  metrics::Gauge* viewers_gauge_;
  LiveStatsReporterOptions options_;
  int passes_ = 0;
  bool health_failing_ = false;
  bool viewers_failing_ = false;
  bool purge_failing_ = false;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace antcdn::app
