#include "edge/cache_policy.h"

#include <string>

namespace antcdn::edge {

ObjectHeaders headers_for_key(std::string_view key) {
  if (key.ends_with(".m3u8")) {
    return {"application/vnd.apple.mpegurl", kPlaylistCacheControl};
  }
  if (key.ends_with(".m4s")) {
    return {"video/iso.segment", kImmutableCacheControl};
  }
  if (key.ends_with(".mp4")) {
    return {"video/mp4", kImmutableCacheControl};
  }
  return {"application/octet-stream", "no-cache"};
}

ObjectHeaders status_headers() {
  return {"application/json", kStatusCacheControl};
}

ObjectHeaders thumbnail_headers() {
  return {"image/jpeg", kThumbnailCacheControl};
}

void add_cors_headers(net::HttpResponse& res) {
  res.set("Access-Control-Allow-Origin", "*");
}

net::HttpResponse preflight_response() {
  net::HttpResponse res;
  res.status = 204;
  add_cors_headers(res);
  res.set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  res.set("Access-Control-Allow-Headers", "*");
  // Browsers re-send the preflight for every request otherwise (Chromium caps this at 2 h).
  res.set("Access-Control-Max-Age", "86400");
  return res;
}

}  // namespace antcdn::edge
