#pragma once

// How a publish is doing, as measured on the ingest node from the access units
// that arrive (docs/api.md, "Stream health"). A value type below the stages:
// ingest measures it, the store carries it to other nodes, the API shows it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace antcdn::media {

enum class HealthStatus { Healthy, Degraded, Starving };

inline std::string_view to_string(HealthStatus s) {
  switch (s) {
    case HealthStatus::Healthy:
      return "healthy";
    case HealthStatus::Degraded:
      return "degraded";
    case HealthStatus::Starving:
      return "starving";
  }
  return "starving";
}

inline std::optional<HealthStatus> parse_health_status(std::string_view s) {
  for (HealthStatus st : {HealthStatus::Healthy, HealthStatus::Degraded, HealthStatus::Starving}) {
    if (to_string(st) == s) {
      return st;
    }
  }
  return std::nullopt;
}

// One snapshot. Rates are over the measuring window; what is not known yet (no
// track announced, fewer than two keyframes seen, no frame at all) is nullopt
// or empty, never a made-up zero.
struct StreamHealth {
  HealthStatus status = HealthStatus::Starving;
  int64_t video_bitrate_kbps = 0;
  int64_t audio_bitrate_kbps = 0;
  double fps = 0;
  std::optional<double> keyframe_interval_s;
  std::optional<int> width;
  std::optional<int> height;
  std::string video_codec;  // RFC 6381, e.g. "avc1.64001f"; empty before the announcement
  std::string audio_codec;  // e.g. "mp4a.40.2"
  std::optional<int64_t> last_frame_at_ms;  // unix ms of the newest unit's arrival
  int64_t dropped_gops = 0;                 // shed by the transcoder this publish
  // Why the status is not healthy, e.g. "no media for 3.1 s" (logs, the console).
  std::string reason;
};

}  // namespace antcdn::media
