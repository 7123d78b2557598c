#include "common/ids.h"

namespace antcdn::ids {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t kUlidLength = 26;

bool is_prefixed_ulid(std::string_view s, std::string_view prefix) {
  if (s.size() != prefix.size() + kUlidLength || s.substr(0, prefix.size()) != prefix) {
    return false;
  }
  std::string_view body = s.substr(prefix.size());
  // The first character holds only 3 bits of the 128-bit value.
  if (body[0] > '7') {
    return false;
  }
  return body.find_first_not_of(kAlphabet) == std::string_view::npos;
}

}  // namespace

std::string base32(ByteSpan data) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (std::byte b : data) {
    buffer = (buffer << 8) | static_cast<uint8_t>(b);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) {
    out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  }
  return out;
}

std::string ulid(int64_t unix_ms) {
  // 128 bits: 48 bits of time, then 80 random bits; 26 base32 digits cover 130
  // bits, so the first digit carries only the top 3.
  Bytes random = crypto::random_bytes(10);
  unsigned __int128 value = static_cast<uint64_t>(unix_ms) & 0xffffffffffffULL;
  for (std::byte b : random) {
    value = (value << 8) | static_cast<uint8_t>(b);
  }
  std::string out(kUlidLength, '0');
  for (size_t i = kUlidLength; i-- > 0;) {
    out[i] = kAlphabet[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  return out;
}

std::string new_stream_id(int64_t unix_ms) {
  return std::string(kStreamIdPrefix) + ulid(unix_ms);
}
std::string new_edge_id(int64_t unix_ms) {
  return std::string(kEdgeIdPrefix) + ulid(unix_ms);
}
std::string new_api_key_id(int64_t unix_ms) {
  return "key_" + ulid(unix_ms);
}

std::string new_event_id(int64_t unix_ms) {
  return "evt_" + ulid(unix_ms);
}
std::string new_webhook_id(int64_t unix_ms) {
  return "wh_" + ulid(unix_ms);
}

std::string new_recording_id(int64_t unix_ms) {
  return "rec_" + ulid(unix_ms);
}

Secret new_stream_key() {
  return Secret(std::string(kStreamKeyPrefix) + base32(crypto::random_bytes(25)));
}
Secret new_api_key() {
  return Secret(std::string(kApiKeyPrefix) + base32(crypto::random_bytes(25)));
}

Secret new_webhook_secret() {
  return Secret("whsec_" + base32(crypto::random_bytes(25)));
}

bool is_stream_id(std::string_view s) {
  return is_prefixed_ulid(s, kStreamIdPrefix);
}
bool is_edge_id(std::string_view s) {
  return is_prefixed_ulid(s, kEdgeIdPrefix);
}

bool is_webhook_id(std::string_view s) {
  return is_prefixed_ulid(s, "wh_");
}

bool is_recording_id(std::string_view s) {
  return is_prefixed_ulid(s, "rec_");
}

crypto::Sha256 credential_hash(const Secret& secret) {
  return crypto::sha256(secret.reveal());
}

}  // namespace antcdn::ids
