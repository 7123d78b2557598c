#include "web/responses.h"

#include <string>

#include "web/assets.h"

namespace antcdn::web {
namespace {

constexpr std::string_view kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'";

net::HttpResponse response_for(const Asset& asset, std::string_view cache_control) {
  net::HttpResponse res;
  res.set("Content-Type", std::string(asset.content_type));
  res.set("Cache-Control", std::string(cache_control));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.shared_body = asset.bytes;
  return res;
}

}  // namespace

std::optional<net::HttpResponse> page_response(std::string_view name, Framing framing, int status) {
  auto asset = find_asset(name);
  if (!asset) {
    return std::nullopt;
  }
  net::HttpResponse res = response_for(*asset, "no-cache");
  res.status = status;
  std::string policy(kPolicy);
  policy += framing == Framing::Deny ? "; frame-ancestors 'none'" : "";
  res.set("Content-Security-Policy", policy);
  if (framing == Framing::Deny) {
    res.set("X-Frame-Options", "DENY");
  }
  return res;
}

std::optional<net::HttpResponse> asset_response(std::string_view name) {
  auto asset = find_asset(name);
  if (!asset || name.ends_with(".html")) {
    return std::nullopt;
  }
  // Short-lived: asset names are not versioned, and an upgrade should show up soon.
  return response_for(*asset, "public, max-age=300");
}

std::optional<net::HttpResponse> document_response(std::string_view name) {
  auto res = asset_response(name);
  if (res) {
    res->set("Access-Control-Allow-Origin", "*");
  }
  return res;
}

}  // namespace antcdn::web
