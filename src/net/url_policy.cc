#include "net/url_policy.h"

#include <array>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

namespace antcdn::net {
namespace {

Error refused(std::string message) {
  return make_error(Code::InvalidArgument, std::move(message));
}

bool is_private_v4(std::span<const uint8_t> a) {
  const uint8_t x = a[0];
  const uint8_t y = a[1];
  return x == 0 ||                             // "this network"
         x == 10 ||                            // RFC 1918
         x == 127 ||                           // loopback
         (x == 100 && (y & 0xc0) == 64) ||     // 100.64/10, shared (CGNAT)
         (x == 169 && y == 254) ||             // link-local (cloud metadata)
         (x == 172 && (y & 0xf0) == 16) ||     // RFC 1918
         (x == 192 && y == 168) ||             // RFC 1918
         (x == 192 && y == 0 && a[2] == 0) ||  // IETF protocol assignments
         (x == 198 && (y & 0xfe) == 18) ||     // benchmarking
         x >= 224;                             // multicast, reserved, broadcast
}

bool is_private_v6(std::span<const uint8_t> a) {
  bool zero_prefix = true;  // the first 10 bytes
  for (size_t i = 0; i < 10; ++i) {
    zero_prefix = zero_prefix && a[i] == 0;
  }
  if (zero_prefix && a[10] == 0xff && a[11] == 0xff) {
    return is_private_v4(a.subspan(12));  // ::ffff:a.b.c.d
  }
  if (zero_prefix && a[10] == 0 && a[11] == 0) {
    return true;  // ::, ::1 and the deprecated IPv4-compatible form
  }
  return (a[0] & 0xfe) == 0xfc ||                                           // fc00::/7 unique local
         (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||                         // fe80::/10 link-local
         (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) ||                         // fec0::/10 site-local
         a[0] == 0xff ||                                                    // multicast
         (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) ||  // NAT64
         (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8);    // documentation
}

bool is_local_name(std::string_view host) {
  std::string h(host);
  for (char& c : h) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!h.empty() && h.back() == '.') {
    h.pop_back();
  }
  return h == "localhost" || h.ends_with(".localhost") || h.ends_with(".local") ||
         h.ends_with(".internal");
}

}  // namespace

bool is_private_address(std::span<const uint8_t> address) {
  if (address.size() == 4) {
    return is_private_v4(address);
  }
  if (address.size() == 16) {
    return is_private_v6(address);
  }
  return true;
}

std::optional<bool> is_private_ip_literal(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) {
    return std::nullopt;
  }
  if (ip.is_v4()) {
    auto b = ip.to_v4().to_bytes();
    return is_private_address(b);
  }
  auto b = ip.to_v6().to_bytes();
  return is_private_address(b);
}

Status check_outbound_url(std::string_view url, bool allow_private) {
  if (url.size() > kMaxOutboundUrlLength) {
    return refused("url must be at most " + std::to_string(kMaxOutboundUrlLength) + " characters");
  }
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return refused("url must be an absolute http:// or https:// URL");
  }
  if (parsed->scheme_id() != boost::urls::scheme::http &&
      parsed->scheme_id() != boost::urls::scheme::https) {
    return refused("url must use http or https");
  }
  std::string host(parsed->encoded_host());
  if (host.empty()) {
    return refused("url must name a host");
  }
  if (parsed->has_userinfo()) {
    return refused("url must not contain credentials");
  }
  if (parsed->has_fragment()) {
    return refused("url must not contain a fragment");
  }
  if (allow_private) {
    return {};
  }
  auto literal = is_private_ip_literal(host);
  if ((literal && *literal) || (!literal && is_local_name(host))) {
    return refused("url must not point to a loopback, link-local or private address (" + host +
                   ")");
  }
  return {};
}

}  // namespace antcdn::net
