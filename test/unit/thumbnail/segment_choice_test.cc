#include "thumbnail/segment_choice.h"

#include <gtest/gtest.h>

namespace antcdn::thumbnail {
namespace {

constexpr std::string_view kMaster =
    "#EXTM3U\n"
    "#EXT-X-VERSION:7\n"
    "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",NAME=\"Default\",URI=\"audio/index.m3u8\"\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=1200000,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=640x360\n"
    "360p/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=5500000,CODECS=\"avc1.640028,mp4a.40.2\",RESOLUTION=1280x720\n"
    "720p/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=2500000,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=854x480\n"
    "480p/index.m3u8\n";

// A live window across a reconnect: the second session has its own init.
constexpr std::string_view kLive =
    "#EXTM3U\n"
    "#EXT-X-VERSION:7\n"
    "#EXT-X-TARGETDURATION:2\n"
    "#EXT-X-MEDIA-SEQUENCE:40\n"
    "#EXT-X-MAP:URI=\"init-s1.mp4\"\n"
    "#EXTINF:2.000,\n"
    "s1-40.m4s\n"
    "#EXTINF:2.000,\n"
    "s1-41.m4s\n"
    "#EXT-X-DISCONTINUITY\n"
    "#EXT-X-MAP:URI=\"init-s2.mp4\"\n"
    "#EXTINF:1.500,\n"
    "s2-0.m4s\n"
    "#EXT-X-PART:DURATION=0.5,URI=\"s2-1.0.m4s\"\n"
    "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s2-1.1.m4s\"\n";

constexpr std::string_view kVod =
    "#EXTM3U\n"
    "#EXT-X-VERSION:7\n"
    "#EXT-X-TARGETDURATION:2\n"
    "#EXT-X-PLAYLIST-TYPE:VOD\n"
    "#EXT-X-MAP:URI=\"init-a.mp4\"\n"
    "#EXTINF:2.000,\n"
    "a-0.m4s\n"
    "#EXTINF:2.000,\n"
    "a-1.m4s\n"
    "#EXTINF:1.250,\n"
    "a-2.m4s\n"
    "#EXT-X-DISCONTINUITY\n"
    "#EXT-X-MAP:URI=\"init-b.mp4\"\n"
    "#EXTINF:2.000,\n"
    "b-0.m4s\n"
    "#EXT-X-ENDLIST\n";

TEST(SegmentChoice, TopVariantIsTheHighestBandwidth) {
  auto uri = top_variant_uri(kMaster);
  ASSERT_TRUE(uri.ok()) << uri.error().describe();
  EXPECT_EQ(*uri, "720p/index.m3u8");
}

TEST(SegmentChoice, MasterWithoutVariantsIsNotFound) {
  auto uri = top_variant_uri("#EXTM3U\n#EXT-X-VERSION:7\n");
  ASSERT_FALSE(uri.ok());
  EXPECT_EQ(uri.error().code, Code::NotFound);
  EXPECT_FALSE(top_variant_uri("not a playlist").ok());
  EXPECT_FALSE(top_variant_uri("#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\na.m3u8\n").ok());
}

TEST(SegmentChoice, LiveTakesTheNewestFullSegmentWithItsMap) {
  auto c = choose_segment(kLive, std::nullopt);
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->segment_uri, "s2-0.m4s");
  EXPECT_EQ(c->init_uri, "init-s2.mp4");
  EXPECT_DOUBLE_EQ(c->start_s, 4.0);
}

TEST(SegmentChoice, PlaylistWithoutSegmentsIsNotFound) {
  auto c = choose_segment("#EXTM3U\n#EXT-X-TARGETDURATION:2\n", std::nullopt);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Code::NotFound);
}

TEST(SegmentChoice, RecordingTakesTheSegmentHoldingTheTime) {
  struct Case {
    double time;
    const char* segment;
    const char* init;
  };
  for (const Case& k : {Case{0, "a-0.m4s", "init-a.mp4"}, Case{1.999, "a-0.m4s", "init-a.mp4"},
                        Case{2.0, "a-1.m4s", "init-a.mp4"}, Case{5.0, "a-2.m4s", "init-a.mp4"},
                        Case{5.25, "b-0.m4s", "init-b.mp4"}, Case{7.0, "b-0.m4s", "init-b.mp4"}}) {
    auto c = choose_segment(kVod, k.time);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    EXPECT_EQ(c->segment_uri, k.segment) << k.time;
    EXPECT_EQ(c->init_uri, k.init) << k.time;
  }
}

TEST(SegmentChoice, RecordingTimeIsClampedIntoThePlaylist) {
  auto early = choose_segment(kVod, -3.0);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->segment_uri, "a-0.m4s");
  auto late = choose_segment(kVod, 3600.0);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->segment_uri, "b-0.m4s");
  EXPECT_DOUBLE_EQ(late->start_s, 5.25);
}

TEST(SegmentChoice, BadExtinfIsInvalid) {
  auto c = choose_segment("#EXTM3U\n#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:abc,\na.m4s\n", 1.0);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Code::InvalidArgument);
}

TEST(SegmentChoice, ResolvesRelativeToThePlaylistFolder) {
  auto media = resolve_key("recordings/rec_1/master.m3u8", "720p/index.m3u8");
  ASSERT_TRUE(media.ok());
  EXPECT_EQ(*media, "recordings/rec_1/720p/index.m3u8");
  auto seg = resolve_key("abc/720p/index.m3u8", "s1-40.m4s");
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ(*seg, "abc/720p/s1-40.m4s");
}

TEST(SegmentChoice, RefusesUrisThatLeaveThePrefix) {
  for (const char* uri : {"", "/etc/passwd", "../other/index.m3u8", "a/../../b.m4s", "./a.m4s",
                          "a//b.m4s", "http://x/a.m4s", "a.m4s?x=1", "a%2e.m4s", "a\\b.m4s"}) {
    EXPECT_FALSE(resolve_key("abc/master.m3u8", uri).ok()) << uri;
  }
}

}  // namespace
}  // namespace antcdn::thumbnail
