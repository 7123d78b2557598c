#include "edge/edge_path.h"

#include <gtest/gtest.h>

#include "common/ids.h"

namespace antcdn::edge {
namespace {

class EdgePathTest : public ::testing::Test {
 protected:
  std::string id_ = ids::new_edge_id(1700000000000);
  std::string live_ = "/live/" + id_;
};

TEST_F(EdgePathTest, ParsesEveryRoute) {
  struct Case {
    std::string suffix;
    EdgeResource resource;
  };
  for (const auto& c : std::vector<Case>{
           {"/master.m3u8", EdgeResource::MasterPlaylist},
           {"/720p/index.m3u8", EdgeResource::MediaPlaylist},
           {"/720p/init-01hsession.mp4", EdgeResource::InitSection},
           {"/720p/01hsession-42.m4s", EdgeResource::MediaSegment},
           {"/audio_aac/s-1-00000000000000000001.m4s", EdgeResource::MediaSegment},
           {"/a-b_c/init-Ab_9-x.mp4", EdgeResource::InitSection},
           {"/720p/01hsession-42.3.m4s", EdgeResource::Part},
           {"/audio/s-1-7.9999.m4s", EdgeResource::Part},
       }) {
    auto p = parse_edge_path(live_ + c.suffix);
    ASSERT_TRUE(p.has_value()) << c.suffix;
    EXPECT_EQ(p->resource, c.resource) << c.suffix;
    EXPECT_EQ(p->edge_id, id_);
    EXPECT_EQ(p->object_key, id_ + c.suffix) << c.suffix;
  }
  auto status = parse_edge_path(live_ + "/status.json");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->resource, EdgeResource::Status);
  EXPECT_EQ(status->edge_id, id_);
  EXPECT_TRUE(status->object_key.empty());
  auto thumbnail = parse_edge_path(live_ + "/thumbnail.jpg");
  ASSERT_TRUE(thumbnail.has_value());
  EXPECT_EQ(thumbnail->resource, EdgeResource::Thumbnail);
  EXPECT_EQ(thumbnail->object_key, id_ + "/master.m3u8");
  EXPECT_FALSE(parse_edge_path(live_ + "/720p/thumbnail.jpg").has_value());
}

TEST_F(EdgePathTest, PartsNameTheirSegmentAndIndex) {
  auto p = parse_edge_path(live_ + "/720p/s-1-42.3.m4s");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->session, "s-1");
  EXPECT_EQ(p->seq, 42u);
  EXPECT_EQ(p->part, 3u);
  for (const char* bad :
       {"/720p/s1-42.m4s.m4s", "/720p/s1-42..m4s", "/720p/s1-42.12345.m4s", "/720p/s1-42.-1.m4s",
        "/720p/s1-42.1.2.m4s", "/720p/s1.1.m4s", "/720p/s1-42.x.m4s"}) {
    EXPECT_FALSE(parse_edge_path(live_ + bad).has_value()) << bad;
  }
}

TEST_F(EdgePathTest, RejectsMalformedAndEscapingPaths) {
  for (const std::string& suffix : std::vector<std::string>{
           "",
           "/",
           "/master.m3u8/",
           "//master.m3u8",
           "/720p//index.m3u8",
           "/../master.m3u8",
           "/720p/../master.m3u8",
           "/%2e%2e/master.m3u8",
           "/720p/%2e%2e%2fx.m4s",
           "/master%2Em3u8",
           "/./master.m3u8",
           "/720p/./index.m3u8",
           "/index.m3u8",
           "/720p/master.m3u8",
           "/720p/status.json",
           "/status.json/x",
           "/720P/index.m3u8",
           "/720p/init-.mp4",
           "/720p/init-a.b.mp4",
           "/720p/init-a/.mp4",
           "/720p/-1.m4s",
           "/720p/s-.m4s",
           "/720p/s-1x.m4s",
           "/720p/s1.m4s",
           "/720p/s-1.mp4",
           "/720p/s-123456789012345678901.m4s",
           "/720p/x.ts",
           "/720p/sub/index.m3u8",
           "/" + std::string(33, 'a') + "/index.m3u8",
           "/720p/init-" + std::string(65, 'a') + ".mp4",
           "/720p/index.m3u8\\",
           "/720p/s 1-1.m4s",
           "/master.m3u8\n",
       }) {
    EXPECT_FALSE(parse_edge_path(live_ + suffix).has_value()) << suffix;
  }
}

TEST_F(EdgePathTest, RejectsBadEdgeIdsAndOtherTrees) {
  std::string upper = "LSE_" + id_.substr(4);
  for (const std::string& path : std::vector<std::string>{
           "/live/lse_123/master.m3u8",
           "/live/" + upper + "/master.m3u8",
           "/live/ls_" + id_.substr(4) + "/master.m3u8",
           "/live/../" + id_ + "/master.m3u8",
           "/live//" + id_ + "/master.m3u8",
           "/lives/" + id_ + "/master.m3u8",
           "live/" + id_ + "/master.m3u8",
           "/" + id_ + "/master.m3u8",
           "/live",
           "/live/",
           "",
           "/healthz",
       }) {
    EXPECT_FALSE(parse_edge_path(path).has_value()) << path;
  }
}

TEST_F(EdgePathTest, SessionLimitsAreInclusive) {
  EXPECT_TRUE(parse_edge_path(live_ + "/" + std::string(32, 'a') + "/index.m3u8"));
  EXPECT_TRUE(parse_edge_path(live_ + "/v/init-" + std::string(64, 'a') + ".mp4"));
  EXPECT_TRUE(parse_edge_path(live_ + "/v/s-" + std::string(20, '9') + ".m4s"));
}

}  // namespace
}  // namespace antcdn::edge
