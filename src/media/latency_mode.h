#pragma once

#include <optional>
#include <string_view>

namespace antcdn::media {

// How a stream is packaged for latency: `Low` adds LL-HLS parts and tags to the
// playlists (players without LL support ignore them), `Standard` is plain HLS.
enum class LatencyMode { Low, Standard };

inline std::string_view to_string(LatencyMode m) {
  return m == LatencyMode::Standard ? "standard" : "low";
}

inline std::optional<LatencyMode> parse_latency_mode(std::string_view s) {
  if (s == "low") {
    return LatencyMode::Low;
  }
  if (s == "standard") {
    return LatencyMode::Standard;
  }
  return std::nullopt;
}

}  // namespace antcdn::media
