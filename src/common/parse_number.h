#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace antcdn {

// The whole of `text` as a decimal number of type T: nothing before or after
// it (no spaces, no '+'), and in T's range. Peers, URLs, flags and stored
// files all go through this one rule.
template <typename T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc{} || end != last) {
    return std::nullopt;
  }
  return value;
}

}  // namespace antcdn
