#pragma once

#include <cstdint>
#include <string>

namespace antcdn {

int64_t unix_now_ms();

// "2026-03-15T10:00:00Z" (RFC 3339, UTC, whole seconds), as the API shows times.
std::string rfc3339_seconds(int64_t unix_ms);
// "2026-03-15T10:00:00.123Z", as EXT-X-PROGRAM-DATE-TIME wants.
std::string rfc3339_millis(int64_t unix_ms);

}  // namespace antcdn
