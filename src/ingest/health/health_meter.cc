#include "ingest/health/health_meter.h"

namespace antcdn::ingest::health {

void HealthMeter::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  std::lock_guard lock(mutex_);
  calculator_.on_tracks(tracks);
}

void HealthMeter::on_unit(const media::AccessUnit& unit) {
  std::lock_guard lock(mutex_);
  calculator_.on_unit(unit);
}

void HealthMeter::on_gop_shed(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  calculator_.on_gop_shed(now_ms);
}

void HealthMeter::end() {
  std::lock_guard lock(mutex_);
  ended_ = true;
}

bool HealthMeter::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

media::StreamHealth HealthMeter::snapshot(int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  return calculator_.snapshot(now_ms);
}

}  // namespace antcdn::ingest::health
