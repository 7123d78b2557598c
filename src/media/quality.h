#pragma once

#include <optional>
#include <string_view>

namespace antcdn::media {

// The transcoding preset a stream asks for (see docs/api.md for the ladders).
enum class Quality { Standard, High, Passthrough };

inline std::string_view to_string(Quality q) {
  switch (q) {
    case Quality::Standard:
      return "standard";
    case Quality::High:
      return "high";
    case Quality::Passthrough:
      return "passthrough";
  }
  return "standard";
}

inline std::optional<Quality> parse_quality(std::string_view s) {
  if (s == "standard") {
    return Quality::Standard;
  }
  if (s == "high") {
    return Quality::High;
  }
  if (s == "passthrough") {
    return Quality::Passthrough;
  }
  return std::nullopt;
}

}  // namespace antcdn::media
