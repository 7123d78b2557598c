#include "format/hls/m3u8_parser.h"

#include <gtest/gtest.h>

namespace antcdn::format::hls {
namespace {

TEST(HlsM3u8Parser, SplitsLinesByKind) {
  auto lines =
      parse_m3u8("#EXTM3U\r\n#EXT-X-VERSION:7\r\n\r\n# a comment\n#EXT-X-ENDLIST\nseg.m4s");
  ASSERT_TRUE(lines.ok()) << lines.error().describe();
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[0].kind, M3u8Line::Kind::Tag);
  EXPECT_EQ((*lines)[0].name, "EXT-X-VERSION");
  EXPECT_EQ((*lines)[0].value, "7");
  EXPECT_EQ((*lines)[1].kind, M3u8Line::Kind::Comment);
  EXPECT_EQ((*lines)[2].name, "EXT-X-ENDLIST");
  EXPECT_TRUE((*lines)[2].value.empty());
  EXPECT_EQ((*lines)[3].kind, M3u8Line::Kind::Uri);
  EXPECT_EQ((*lines)[3].value, "seg.m4s");
}

TEST(HlsM3u8Parser, RequiresHeader) {
  EXPECT_FALSE(parse_m3u8("").ok());
  EXPECT_FALSE(parse_m3u8("#EXT-X-VERSION:3\n").ok());
  EXPECT_FALSE(parse_m3u8("\n#EXTM3U\n").ok());
  EXPECT_TRUE(parse_m3u8("#EXTM3U").ok());
}

TEST(HlsM3u8Parser, AttributeLists) {
  auto attrs = parse_attribute_list(
      "BANDWIDTH=100,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1280x720,FRAME-RATE=30.000");
  ASSERT_TRUE(attrs.ok()) << attrs.error().describe();
  ASSERT_EQ(attrs->size(), 4u);
  EXPECT_EQ(*find_attribute(*attrs, "CODECS"), "avc1.64001f,mp4a.40.2");
  EXPECT_EQ(*find_attribute(*attrs, "RESOLUTION"), "1280x720");
  EXPECT_EQ(find_attribute(*attrs, "AUDIO"), nullptr);
  auto empty_quoted = parse_attribute_list("NAME=\"\"");
  ASSERT_TRUE(empty_quoted.ok());
  EXPECT_EQ((*empty_quoted)[0].second, "");

  for (const char* bad : {"=1", "a=1", "A", "A=", "A=\"x", "A=1,", "A=\"x\"B=1", "A=1,,B=2"}) {
    EXPECT_FALSE(parse_attribute_list(bad).ok()) << bad;
  }
}

TEST(HlsM3u8Parser, ExtinfDurationsAndMapUris) {
  EXPECT_EQ(extinf_duration("2.000,"), 2.0);
  EXPECT_EQ(extinf_duration("1.5,a title"), 1.5);
  EXPECT_EQ(extinf_duration("3"), 3.0);
  for (const char* bad : {"", ",", "-1.0,", "x,", "inf,", "nan,", "2.0 ,"}) {
    EXPECT_FALSE(extinf_duration(bad)) << bad;
  }
  EXPECT_EQ(map_uri("URI=\"init-a.mp4\""), "init-a.mp4");
  EXPECT_EQ(map_uri("URI=\"init-a.mp4\",BYTERANGE=\"100@0\""), "init-a.mp4");
  for (const char* bad : {"", "URI=\"\"", "BYTERANGE=\"100@0\"", "URI=\"x"}) {
    EXPECT_FALSE(map_uri(bad)) << bad;
  }
}

}  // namespace
}  // namespace antcdn::format::hls
