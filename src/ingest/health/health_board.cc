#include "ingest/health/health_board.h"

namespace antcdn::ingest::health {

std::shared_ptr<HealthMeter> HealthBoard::start(const std::string& stream_id) {
  auto meter = std::make_shared<HealthMeter>(rules_);
  std::lock_guard lock(mutex_);
  meters_[stream_id] = meter;
  return meter;
}

HealthBoard::Report HealthBoard::collect(int64_t now_ms) {
  std::vector<std::pair<std::string, std::shared_ptr<HealthMeter>>> live;
  Report report;
  {
    std::lock_guard lock(mutex_);
    for (auto it = meters_.begin(); it != meters_.end();) {
      auto meter = it->second.lock();
      if (!meter || meter->ended()) {
        report.ended.push_back(it->first);
        it = meters_.erase(it);
      } else {
        live.emplace_back(it->first, std::move(meter));
        ++it;
      }
    }
  }
  // Snapshots outside the board's lock: each takes its meter's own.
  for (auto& [id, meter] : live) {
    report.on_air.emplace_back(id, meter->snapshot(now_ms));
  }
  return report;
}

}  // namespace antcdn::ingest::health
