#include "package/playlist_state.h"

#include <gtest/gtest.h>

namespace antcdn::package {
namespace {

format::hls::SegmentRecord seg(const std::string& uri, double d = 2.0) {
  return format::hls::SegmentRecord{.uri = uri, .duration_s = d, .init_uri = "init-a.mp4"};
}

TEST(PlaylistState, SlidesTheWindowAndCountsSequences) {
  PlaylistState p(3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(p.add(seg("a-" + std::to_string(i) + ".m4s")).empty());
  }
  auto evicted = p.add(seg("a-3.m4s"));
  ASSERT_EQ(evicted, std::vector<std::string>{"a-0.m4s"});
  EXPECT_EQ(p.next_sequence(), 4u);
  auto text = p.render();
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("#EXT-X-MEDIA-SEQUENCE:1"), std::string::npos);
  EXPECT_EQ(text->find("a-0.m4s"), std::string::npos);
  EXPECT_EQ(text->find("#EXT-X-ENDLIST"), std::string::npos);
}

TEST(PlaylistState, DiscontinuityIsTaggedAndCountedWhenItLeaves) {
  PlaylistState p(2);
  p.add(seg("a-0.m4s"));
  p.mark_discontinuity();
  p.add(seg("b-1.m4s"));
  auto text = *p.render();
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n"), std::string::npos);
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:0"), std::string::npos);
  p.add(seg("b-2.m4s"));
  p.add(seg("b-3.m4s"));  // b-1, which carried the tag, has left
  text = *p.render();
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), std::string::npos);
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:1"), std::string::npos);
}

TEST(PlaylistState, EndAddsEndListAndTargetDurationCoversLongSegments) {
  PlaylistState p(5);
  p.add(seg("a-0.m4s", 2.5));
  p.end();
  auto text = *p.render();
  EXPECT_NE(text.find("#EXT-X-ENDLIST"), std::string::npos);
  EXPECT_NE(text.find("#EXT-X-TARGETDURATION:3"), std::string::npos);
}

}  // namespace
}  // namespace antcdn::package
