#pragma once

// The Range header of a GET (RFC 9110 14.2), pure: one range in bytes
// ("bytes=a-b", "bytes=a-", "bytes=-n") against an object of `size` bytes.
// Several ranges, another unit or a malformed header are ignored (the whole
// object, 200), as the RFC allows; a well-formed range outside the object is
// unsatisfiable (416).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace antcdn::edge {

struct ByteRange {
  enum class Kind { Whole, Partial, Unsatisfiable };
  Kind kind = Kind::Whole;
  uint64_t first = 0;  // Partial: first and last byte, inclusive
  uint64_t last = 0;
};

ByteRange parse_byte_range(std::optional<std::string_view> header, uint64_t size);

// "bytes 0-99/1234" (206) or "bytes */1234" (416).
std::string content_range(const ByteRange& range, uint64_t size);

}  // namespace antcdn::edge
