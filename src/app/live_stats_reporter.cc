#include "app/live_stats_reporter.h"

#include <spdlog/spdlog.h>

#include "common/time_util.h"

namespace antcdn::app {

LiveStatsReporter::LiveStatsReporter(store::LiveStatsRepository& figures,
                                     ingest::health::HealthBoard* health,
                                     edge::ViewerCounter* viewers, metrics::Gauge* viewers_gauge,
                                     LiveStatsReporterOptions options)
    : figures_(figures),
      health_(health),
      viewers_(viewers),
      viewers_gauge_(viewers_gauge),
      options_(std::move(options)) {}

LiveStatsReporter::~LiveStatsReporter() {
  stop();
}

void LiveStatsReporter::start() {
  thread_ = std::thread([this] { run(); });
}

void LiveStatsReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void LiveStatsReporter::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    report_once(unix_now_ms());
    lock.lock();
  }
}

void LiveStatsReporter::report_once(int64_t now_ms) {
  if (health_ != nullptr) {
    note("stream health", report_health(now_ms), health_failing_);
  }
  if (viewers_ != nullptr) {
    note("viewer counts", report_viewers(now_ms), viewers_failing_);
  }
  if (++passes_ % options_.purge_every_passes == 0) {
    note("purging old figures", figures_.purge_live_stats(now_ms - options_.purge_after_ms),
         purge_failing_);
  }
}

Status LiveStatsReporter::report_health(int64_t now_ms) {
  auto report = health_->collect(now_ms);
  Status result;
  for (const auto& [stream_id, health] : report.on_air) {
    if (auto s = figures_.put_health(stream_id, options_.node_id, health, now_ms); !s.ok()) {
      result = s;
    }
  }
  // (A row whose removal failed ages out: the API shows health only while the
  // stream is on air and the row fresh.)
  for (const auto& stream_id : report.ended) {
    if (auto s = figures_.remove_health(stream_id, options_.node_id); !s.ok()) {
      result = s;
    }
  }
  return result;
}

Status LiveStatsReporter::report_viewers(int64_t now_ms) {
  auto counts = viewers_->counts(now_ms);
  if (viewers_gauge_ != nullptr) {
    int64_t total = 0;
    for (const auto& [edge_id, n] : counts) {
      total += n;
    }
    viewers_gauge_->set(total);
  }
  return figures_.put_viewers(options_.node_id, counts, now_ms);
}

void LiveStatsReporter::note(const char* what, const Status& s, bool& failing) {
  if (!s.ok() && !failing) {
    spdlog::warn("live stats: writing {} failed (retried every {} ms): {}", what,
                 options_.interval.count(), s.error().describe());
  } else if (s.ok() && failing) {
    spdlog::info("live stats: writing {} works again", what);
  }
  failing = !s.ok();
}

}  // namespace antcdn::app
