#include "edge/byte_range.h"

#include <charconv>

namespace antcdn::edge {
namespace {

std::optional<uint64_t> number(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 19) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

ByteRange parse_byte_range(std::optional<std::string_view> header, uint64_t size) {
  const ByteRange whole{};
  const ByteRange unsatisfiable{.kind = ByteRange::Kind::Unsatisfiable};
  if (!header) {
    return whole;
  }
  std::string_view h = trim(*header);
  constexpr std::string_view kUnit = "bytes=";
  if (!h.starts_with(kUnit)) {
    return whole;
  }
  h = trim(h.substr(kUnit.size()));
  if (h.find(',') != std::string_view::npos) {
    return whole;  // several ranges: not supported, the whole object is a valid answer
  }
  auto dash = h.find('-');
  if (dash == std::string_view::npos) {
    return whole;
  }
  std::string_view a = trim(h.substr(0, dash));
  std::string_view b = trim(h.substr(dash + 1));
  if (a.empty()) {
    // The last n bytes.
    auto n = number(b);
    if (!n) {
      return whole;
    }
    if (*n == 0 || size == 0) {
      return unsatisfiable;
    }
    uint64_t take = std::min(*n, size);
    return {.kind = ByteRange::Kind::Partial, .first = size - take, .last = size - 1};
  }
  auto first = number(a);
  if (!first) {
    return whole;
  }
  std::optional<uint64_t> last;
  if (!b.empty()) {
    last = number(b);
    if (!last || *last < *first) {
      return whole;  // invalid: ignored
    }
  }
  if (*first >= size) {
    return unsatisfiable;
  }
  return {.kind = ByteRange::Kind::Partial,
          .first = *first,
          .last = std::min(last.value_or(size - 1), size - 1)};
}

std::string content_range(const ByteRange& range, uint64_t size) {
  if (range.kind == ByteRange::Kind::Partial) {
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
           std::to_string(size);
  }
  return "bytes */" + std::to_string(size);
}

}  // namespace antcdn::edge
