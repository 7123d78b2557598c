#include "ingest/health/health_probe.h"

namespace antcdn::ingest::health {

void HealthProbe::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  meter_->on_tracks(tracks);
  next_->on_tracks(tracks);
}

void HealthProbe::on_access_unit(media::AccessUnit&& unit) {
  meter_->on_unit(unit);
  next_->on_access_unit(std::move(unit));
}

void HealthProbe::on_end(media::EndReason reason) {
  // A drop may be followed by the encoder's return (access_unit_sink.h).
  if (reason != media::EndReason::Dropped) {
    meter_->end();
  }
  next_->on_end(reason);
}

}  // namespace antcdn::ingest::health
