#pragma once

// An AccessUnitSink in front of a publish's pipeline that shows every unit to
// its HealthMeter before handing it on, untouched and by move (the meter reads
// sizes and times only, never copies bytes).

#include <memory>

#include "ingest/health/health_meter.h"
#include "media/access_unit_sink.h"

namespace antcdn::ingest::health {

class HealthProbe final : public media::AccessUnitSink {
 public:
  HealthProbe(std::shared_ptr<HealthMeter> meter, std::shared_ptr<media::AccessUnitSink> next)
      : meter_(std::move(meter)), next_(std::move(next)) {}

  void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
  void on_access_unit(media::AccessUnit&& unit) override;
  void on_end(media::EndReason reason) override;

 private:
  std::shared_ptr<HealthMeter> meter_;
  std::shared_ptr<media::AccessUnitSink> next_;
};

}  // namespace antcdn::ingest::health
