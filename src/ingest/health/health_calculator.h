#pragma once

// Stream health from the access units of one publish (docs/api.md, "Stream
// health"): bitrates, frame rate, keyframe interval, picture and codecs over a
// sliding window of arrivals, and a status by the rules below. Pure: it is fed
// the units' arrival times and asked at a given time, so tests drive it with
// made-up clocks. Not thread-safe (HealthMeter wraps it).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "media/access_unit.h"
#include "media/stream_health.h"
#include "media/track.h"

namespace antcdn::ingest::health {

struct HealthRules {
  // Rates are measured over the arrivals of the last window (less at the start).
  int64_t window_ms = 5000;
  // Starving: nothing arrived for longer than this, ...
  int64_t starving_after_ms = 2000;
  // ... or, over a full window, media time advanced by less than this share of
  // the wall time its units took to arrive (the encoder or its link is slower
  // than real time).
  double min_realtime_ratio = 0.8;
  // Degraded: keyframes further apart than this (segments are cut on
  // keyframes, so latency and segment size grow with it), ...
  double max_keyframe_interval_s = 4.0;
  // ... or, over a full window, fewer frames than this share of the rate the
  // encoder announced, or video missing for starving_after_ms while audio
  // flows, ...
  double min_fps_ratio = 0.75;
  // ... or the transcoder shed a GOP within this long.
  int64_t shed_recent_ms = 10000;
  // Units remembered per kind (a bound on memory whatever the frame rate).
  size_t max_samples = 4096;
};

class HealthCalculator {
 public:
  explicit HealthCalculator(HealthRules rules = {}) : rules_(rules) {}

  // A new attachment of the encoder (first publish or a reconnect): tracks,
  // codecs and windows start again; dropped GOPs keep counting.
  void on_tracks(const std::vector<media::TrackInfo>& tracks);
  // Reads the unit's track, dts, keyframe flag, size and arrival time.
  void on_unit(const media::AccessUnit& unit);
  void on_gop_shed(int64_t now_ms);

  media::StreamHealth snapshot(int64_t now_ms) const;

 private:
  struct Sample {
    int64_t arrival_ms;
    int64_t dts_ms;
    size_t bytes;
  };
  struct Track {
    int id = -1;
    uint32_t timescale = 1000;
    std::deque<Sample> samples;  // oldest first
    std::optional<int64_t> last_arrival_ms;
  };
  // Over the samples of the window ending at `now_ms`.
  struct WindowFigures {
    size_t bytes = 0;
    size_t count = 0;
    int64_t media_span_ms = 0;    // newest dts - oldest dts
    int64_t arrival_span_ms = 0;  // their arrivals, the same way
  };

  WindowFigures figures(const Track& track, int64_t now_ms) const;
  void remember(Track& track, const media::AccessUnit& unit);
  void note_keyframe(int64_t dts_ms);
  std::optional<double> keyframe_interval_s() const;
  // Sets status and reason from the rules.
  void judge(media::StreamHealth& h, int64_t now_ms, const WindowFigures& video,
             const WindowFigures& audio) const;

  HealthRules rules_;
  Track video_;
  Track audio_;
  std::optional<int> width_;
  std::optional<int> height_;
  double announced_fps_ = 0;
  std::string video_codec_;
  std::string audio_codec_;
  std::optional<int64_t> first_arrival_ms_;  // this attachment's first unit
  std::optional<int64_t> last_key_dts_ms_;
  std::optional<int64_t> last_key_gap_ms_;
  int64_t last_video_dts_ms_ = 0;
  int64_t dropped_gops_ = 0;
  std::optional<int64_t> last_shed_ms_;
};

}  // namespace antcdn::ingest::health
