#include "edge/cache_policy.h"

#include <gtest/gtest.h>

namespace antcdn::edge {
namespace {

std::string header(const net::HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) {
      return v;
    }
  }
  return "<missing>";
}

TEST(CachePolicyTest, PlaylistsLiveOneSecond) {
  for (const char* key : {"lse_x/master.m3u8", "lse_x/720p/index.m3u8"}) {
    auto h = headers_for_key(key);
    EXPECT_EQ(h.content_type, "application/vnd.apple.mpegurl");
    EXPECT_EQ(h.cache_control, "public, max-age=1");
  }
}

TEST(CachePolicyTest, SegmentsAndInitSectionsAreImmutable) {
  auto init = headers_for_key("lse_x/720p/init-s1.mp4");
  EXPECT_EQ(init.content_type, "video/mp4");
  EXPECT_EQ(init.cache_control, "public, max-age=31536000, immutable");
  auto seg = headers_for_key("lse_x/720p/s1-7.m4s");
  EXPECT_EQ(seg.content_type, "video/iso.segment");
  EXPECT_EQ(seg.cache_control, "public, max-age=31536000, immutable");
}

TEST(CachePolicyTest, UnknownKeysAreOpaqueAndUncached) {
  auto h = headers_for_key("lse_x/notes.txt");
  EXPECT_EQ(h.content_type, "application/octet-stream");
  EXPECT_EQ(h.cache_control, "no-cache");
}

TEST(CachePolicyTest, StatusIsJsonAndNeverCached) {
  EXPECT_EQ(status_headers().content_type, "application/json");
  EXPECT_EQ(status_headers().cache_control, "no-cache");
}

TEST(CachePolicyTest, PreflightAllowsReadsFromAnyOrigin) {
  auto res = preflight_response();
  EXPECT_EQ(res.status, 204);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(res, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(header(res, "Access-Control-Allow-Headers"), "*");
}

}  // namespace
}  // namespace antcdn::edge
