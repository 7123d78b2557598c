#include "webhooks/signature.h"

#include <charconv>
#include <optional>

#include "common/bytes.h"
#include "common/crypto.h"

namespace antcdn::webhooks {
namespace {

std::string mac_hex(std::string_view secret, std::string_view t, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(t.size() + 1 + body.size());
  signed_text.append(t).append(".").append(body);
  return crypto::hex(crypto::hmac_sha256(as_bytes(secret), as_bytes(signed_text)));
}

std::optional<int64_t> parse_seconds(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

std::string sign(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + mac_hex(secret, t, body);
}

bool verify(std::string_view header, std::string_view secret, std::string_view body, int64_t now_s,
            int64_t tolerance_s) {
  std::string_view t;
  std::string_view v1;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (part.starts_with("t=")) {
      t = part.substr(2);
    } else if (part.starts_with("v1=")) {
      v1 = part.substr(3);
    }
  }
  auto when = parse_seconds(t);
  if (!when || v1.empty() || *when < now_s - tolerance_s || *when > now_s + tolerance_s) {
    return false;
  }
  std::string expected = mac_hex(secret, t, body);
  return crypto::constant_time_equal(as_bytes(expected), as_bytes(v1));
}

}  // namespace antcdn::webhooks
