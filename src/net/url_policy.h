#pragma once

// Where the server may send requests on a user's behalf (webhooks): http or
// https only, and never to this host, its link or a private network unless
// the operator allows private targets. A URL is checked when it is registered
// (check_outbound_url) and again on every connection, against the address DNS
// gave (is_private_address), so a name that resolves to 127.0.0.1 later is
// still refused.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/result.h"

namespace antcdn::net {

inline constexpr size_t kMaxOutboundUrlLength = 2048;

// InvalidArgument, with a message fit for an API caller, when `url` is not an
// absolute http(s) URL with a host, carries credentials or a fragment, or
// names a private target (an IP literal, localhost) while they are not allowed.
Status check_outbound_url(std::string_view url, bool allow_private);

// Loopback, unspecified, link-local, private (RFC 1918, 100.64/10 shared,
// fc00::/7 unique-local), multicast, broadcast and reserved ranges, and IPv4
// addresses mapped into IPv6. `address` is 4 (IPv4) or 16 (IPv6) bytes in
// network order; any other length counts as private.
bool is_private_address(std::span<const uint8_t> address);

// For an IP literal ("10.0.0.1", "::1"), whether it is private; nullopt when
// `text` is not one.
std::optional<bool> is_private_ip_literal(std::string_view text);

}  // namespace antcdn::net
