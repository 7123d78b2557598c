#include "record/vod_playlist.h"

#include <gtest/gtest.h>

namespace antcdn::record {
namespace {

TEST(VodPlaylist, EverySessionWithItsMapAndADiscontinuityBetween) {
  std::vector<RecordedSegment> segments{
      {.uri = "a-0.m4s", .init_uri = "init-a.mp4", .duration_s = 2.0},
      {.uri = "a-1.m4s", .init_uri = "init-a.mp4", .duration_s = 1.5},
      {.uri = "b-2.m4s", .init_uri = "init-b.mp4", .duration_s = 2.5, .discontinuity_before = true},
  };
  auto text = vod_playlist(segments);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_EQ(*text,
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-TARGETDURATION:3\n"
            "#EXT-X-PLAYLIST-TYPE:VOD\n"
            "#EXT-X-MEDIA-SEQUENCE:0\n"
            "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-MAP:URI=\"init-a.mp4\"\n"
            "#EXTINF:2.000,\n"
            "a-0.m4s\n"
            "#EXTINF:1.500,\n"
            "a-1.m4s\n"
            "#EXT-X-DISCONTINUITY\n"
            "#EXT-X-MAP:URI=\"init-b.mp4\"\n"
            "#EXTINF:2.500,\n"
            "b-2.m4s\n"
            "#EXT-X-ENDLIST\n");
  EXPECT_DOUBLE_EQ(total_duration_s(segments), 6.0);
}

}  // namespace
}  // namespace antcdn::record
