#pragma once

// The edge's response header rules, pure so they are tested on their own and
// shared by every listener that serves media. Playlists change every segment,
// so they live one second; segment and init names are unique per session, so
// they never change and may be cached forever. Everything is public media:
// any origin may read it (hls.js runs on the platform's own domain).

#include <string_view>

#include "net/http_message.h"

namespace antcdn::edge {

struct ObjectHeaders {
  std::string_view content_type;
  std::string_view cache_control;
};

inline constexpr std::string_view kPlaylistCacheControl = "public, max-age=1";
// A blocking reload's answer (RFC 8216bis 6.2.5.2) holds the part its URL asks
// for, so a CDN keyed on the whole URL may serve it to everyone asking the
// same; after a few target durations nobody asks for that part any more.
inline constexpr std::string_view kBlockingPlaylistCacheControl = "public, max-age=6";
inline constexpr std::string_view kImmutableCacheControl = "public, max-age=31536000, immutable";
inline constexpr std::string_view kStatusCacheControl = "no-cache";
// Thumbnails are re-rendered from the newest segment at most every 2 s.
inline constexpr std::string_view kThumbnailCacheControl = "public, max-age=2";

// By the key's extension: .m3u8, init .mp4, .m4s. Anything else is opaque
// bytes that must not be cached.
ObjectHeaders headers_for_key(std::string_view key);

// status.json: application/json, no-cache.
ObjectHeaders status_headers();

// thumbnail.jpg: image/jpeg, 2 s.
ObjectHeaders thumbnail_headers();

// Access-Control-Allow-Origin: * (on every response, errors included, so a
// player can tell a 404 from a network failure).
void add_cors_headers(net::HttpResponse& res);

// The answer to an OPTIONS preflight: 204 with the allowed methods and headers.
net::HttpResponse preflight_response();

}  // namespace antcdn::edge
