#include "format/hls/master_playlist.h"

#include <limits>

#include <gtest/gtest.h>

#include "format/hls/m3u8_parser.h"

namespace antcdn::format::hls {
namespace {

MasterPlaylist ladder() {
  MasterPlaylist p;
  p.audio.push_back(
      AudioRendition{"audio", "Default", "", true, true, 2, "mp4a.40.2", "audio/index.m3u8"});
  p.variants.push_back(
      VariantStream{"720p/index.m3u8", 3128000, 2896000, "avc1.64001f", 1280, 720, 30, "audio"});
  p.variants.push_back(VariantStream{"360p/index.m3u8", 928000, 864000, "avc1.64001e", 640, 360,
                                     29.97002997, "audio"});
  return p;
}

TEST(HlsMasterPlaylist, WritesExactText) {
  auto text = write_master_playlist(ladder());
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_EQ(*text,
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Default\",DEFAULT=YES,"
            "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/index.m3u8\"\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=3128000,AVERAGE-BANDWIDTH=2896000,"
            "CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1280x720,FRAME-RATE=30.000,"
            "AUDIO=\"audio\"\n"
            "720p/index.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=928000,AVERAGE-BANDWIDTH=864000,"
            "CODECS=\"avc1.64001e,mp4a.40.2\",RESOLUTION=640x360,FRAME-RATE=29.970,"
            "AUDIO=\"audio\"\n"
            "360p/index.m3u8\n");
}

TEST(HlsMasterPlaylist, ParsesBackWithAttributes) {
  auto text = write_master_playlist(ladder());
  ASSERT_TRUE(text.ok());
  auto lines = parse_m3u8(*text);
  ASSERT_TRUE(lines.ok()) << lines.error().describe();
  int variants = 0;
  for (size_t i = 0; i < lines->size(); ++i) {
    const M3u8Line& line = (*lines)[i];
    if (line.kind == M3u8Line::Kind::Tag && line.name == "EXT-X-STREAM-INF") {
      auto attrs = parse_attribute_list(line.value);
      ASSERT_TRUE(attrs.ok()) << attrs.error().describe();
      ASSERT_NE(find_attribute(*attrs, "CODECS"), nullptr);
      EXPECT_NE(find_attribute(*attrs, "CODECS")->find(','), std::string::npos);
      ASSERT_LT(i + 1, lines->size());
      EXPECT_EQ((*lines)[i + 1].kind, M3u8Line::Kind::Uri);
      ++variants;
    }
  }
  EXPECT_EQ(variants, 2);
}

TEST(HlsMasterPlaylist, OptionalAttributesAreOmitted) {
  MasterPlaylist p;
  p.variants.push_back(VariantStream{"v/index.m3u8", 500000, 0, "avc1.42c01e", 0, 0, 0, ""});
  auto text = write_master_playlist(p);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS=\"avc1.42c01e\"\nv/index.m3u8\n"),
            std::string::npos)
      << *text;
  p.audio.push_back(AudioRendition{"a", "English", "en", false, false, 0, "", "a.m3u8"});
  text = write_master_playlist(p);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("NAME=\"English\",LANGUAGE=\"en\",DEFAULT=NO,AUTOSELECT=NO,URI=\"a.m3u8\""),
            std::string::npos)
      << *text;
}

TEST(HlsMasterPlaylist, FrameRateIsAlwaysFiniteAndSane) {
  for (double fps : {std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN(), -25.0, 1e6}) {
    MasterPlaylist p;
    p.variants.push_back(
        VariantStream{"v/index.m3u8", 500000, 0, "avc1.42c01e", 320, 240, fps, ""});
    auto text = write_master_playlist(p);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text->find("FRAME-RATE"), std::string::npos) << fps << "\n" << *text;
  }
  MasterPlaylist p;
  p.variants.push_back(VariantStream{"v/index.m3u8", 500000, 0, "avc1.42c01e", 320, 240, 240, ""});
  auto text = write_master_playlist(p);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(",FRAME-RATE=240.000"), std::string::npos) << *text;
}

TEST(HlsMasterPlaylist, InvalidInputsAreErrors) {
  EXPECT_FALSE(write_master_playlist({}).ok());
  MasterPlaylist p = ladder();
  p.variants[0].audio_group = "nope";
  EXPECT_FALSE(write_master_playlist(p).ok());
  p = ladder();
  p.variants[0].bandwidth = 0;
  EXPECT_FALSE(write_master_playlist(p).ok());
  p = ladder();
  p.variants[0].uri = "a\nb";
  EXPECT_FALSE(write_master_playlist(p).ok());
  p = ladder();
  p.audio[0].name = "say \"hi\"";
  EXPECT_FALSE(write_master_playlist(p).ok());
}

}  // namespace
}  // namespace antcdn::format::hls
