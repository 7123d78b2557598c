#pragma once

// The AntCDN-Signature header (docs/api.md, "Webhooks"): "t=<unix seconds>,
// v1=<hex HMAC-SHA256(secret, "<t>.<body>")>". Pure functions, so a receiver's
// side (verify) is tested against the sender's (sign).

#include <cstdint>
#include <string>
#include <string_view>

namespace antcdn::webhooks {

std::string sign(std::string_view secret, int64_t unix_seconds, std::string_view body);

// True when `header` carries a v1 signature of `body` under `secret` whose t
// is within `tolerance_s` of `now_s` (replays of old deliveries are refused).
bool verify(std::string_view header, std::string_view secret, std::string_view body, int64_t now_s,
            int64_t tolerance_s);

}  // namespace antcdn::webhooks
