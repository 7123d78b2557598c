// The /vod/ part of the edge's URL space (edge_path.h): a recording's objects.
#include <gtest/gtest.h>

#include "common/ids.h"
#include "edge/edge_path.h"

namespace antcdn::edge {
namespace {

class VodPathTest : public ::testing::Test {
 protected:
  std::string edge_ = ids::new_edge_id(1700000000000);
  std::string rec_ = ids::new_recording_id(1700000000000);
  std::string base_ = "/vod/" + edge_ + "/" + rec_;
};

TEST_F(VodPathTest, MapsEachFileToTheRecordingsKey) {
  struct Case {
    std::string suffix;
    EdgeResource resource;
  };
  for (const auto& c : std::vector<Case>{
           {"/master.m3u8", EdgeResource::MasterPlaylist},
           {"/720p/index.m3u8", EdgeResource::MediaPlaylist},
           {"/audio/init-ab12.mp4", EdgeResource::InitSection},
           {"/source/ab12-7.m4s", EdgeResource::MediaSegment},
           {"/download.mp4", EdgeResource::VodDownload},
       }) {
    auto p = parse_edge_path(base_ + c.suffix);
    ASSERT_TRUE(p.has_value()) << c.suffix;
    EXPECT_EQ(p->resource, c.resource) << c.suffix;
    EXPECT_EQ(p->edge_id, edge_);
    EXPECT_EQ(p->recording_id, rec_);
    EXPECT_EQ(p->object_key, "recordings/" + rec_ + c.suffix);
  }
  auto thumb = parse_edge_path(base_ + "/thumbnail.jpg");
  ASSERT_TRUE(thumb.has_value());
  EXPECT_EQ(thumb->resource, EdgeResource::VodThumbnail);
  EXPECT_TRUE(thumb->object_key.empty());
  auto live = parse_edge_path("/live/" + edge_ + "/master.m3u8");
  ASSERT_TRUE(live.has_value());
  EXPECT_TRUE(live->recording_id.empty());
}

TEST_F(VodPathTest, RefusesAnythingElse) {
  for (const std::string& path : {
           "/vod/" + edge_ + "/master.m3u8",        // no recording
           "/vod/" + edge_ + "/rec_x/master.m3u8",  // not a recording id
           "/vod/lse_x/" + rec_ + "/master.m3u8",   // not an edge id
           base_ + "/status.json",
           base_ + "/other.mp4",
           base_ + "/",
           base_ + "/720p/../master.m3u8",
           base_ + "//master.m3u8",
           base_ + "/720p/index.m3u8/x",
           base_ + "/720P/index.m3u8",
           base_ + "/720p/download.mp4",
           base_ + "%2fmaster.m3u8",
       }) {
    EXPECT_FALSE(parse_edge_path(path).has_value()) << path;
  }
}

}  // namespace
}  // namespace antcdn::edge
