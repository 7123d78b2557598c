#pragma once

// Thin wrappers over OpenSSL: the CSPRNG, SHA-256, HMAC-SHA-256 and constant-time
// comparison.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace antcdn::crypto {

using Sha256 = std::array<std::byte, 32>;

// Bytes from OpenSSL's CSPRNG. Aborts the process if the CSPRNG fails: continuing
// would hand out guessable credentials.
Bytes random_bytes(size_t count);

Sha256 sha256(ByteSpan data);
inline Sha256 sha256(std::string_view text) {
  return sha256(as_bytes(text));
}
std::string hex(ByteSpan data);

// Base64 of the MD5 of `data`: the Content-MD5 header S3's DeleteObjects
// requires (an integrity check, not security).
std::string md5_base64(ByteSpan data);

// HMAC-SHA-256 (RFC 2104), as AWS Signature Version 4 chains it.
Sha256 hmac_sha256(ByteSpan key, ByteSpan data);

// Compares without an early exit, so the time taken does not reveal how many
// leading bytes matched. Different lengths compare unequal.
bool constant_time_equal(ByteSpan a, ByteSpan b);

}  // namespace antcdn::crypto
