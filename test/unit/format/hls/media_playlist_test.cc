#include "format/hls/media_playlist.h"

#include <gtest/gtest.h>

#include "format/hls/m3u8_parser.h"

namespace antcdn::format::hls {
namespace {

constexpr int64_t kT0 = 1714564800000;  // 2024-05-01T12:00:00.000Z

MediaPlaylist window() {
  MediaPlaylist p;
  p.target_duration_s = 2;
  p.media_sequence = 41;
  p.discontinuity_sequence = 1;
  p.segments = {
      {"s1-41.m4s", 2.0, kT0, false, "init-s1.mp4"},
      {"s1-42.m4s", 2.002, kT0 + 2000, false, "init-s1.mp4"},
      {"s2-0.m4s", 1.5, kT0 + 60000, true, "init-s2.mp4"},
      {"s2-1.m4s", 2.0, kT0 + 61500, false, "init-s2.mp4"},
  };
  return p;
}

TEST(HlsMediaPlaylist, WritesExactText) {
  auto text = write_media_playlist(window());
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_EQ(*text,
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-TARGETDURATION:2\n"
            "#EXT-X-MEDIA-SEQUENCE:41\n"
            "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-MAP:URI=\"init-s1.mp4\"\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:00.000Z\n"
            "#EXTINF:2.000,\n"
            "s1-41.m4s\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:02.000Z\n"
            "#EXTINF:2.002,\n"
            "s1-42.m4s\n"
            "#EXT-X-DISCONTINUITY\n"
            "#EXT-X-MAP:URI=\"init-s2.mp4\"\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:01:00.000Z\n"
            "#EXTINF:1.500,\n"
            "s2-0.m4s\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:01:01.500Z\n"
            "#EXTINF:2.000,\n"
            "s2-1.m4s\n");
}

TEST(HlsMediaPlaylist, EndListAndParseBack) {
  MediaPlaylist p = window();
  p.ended = true;
  auto text = write_media_playlist(p);
  ASSERT_TRUE(text.ok());
  auto lines = parse_m3u8(*text);
  ASSERT_TRUE(lines.ok()) << lines.error().describe();
  EXPECT_EQ(lines->back().name, "EXT-X-ENDLIST");
  int uris = 0;
  int maps = 0;
  for (const auto& l : *lines) {
    uris += l.kind == M3u8Line::Kind::Uri ? 1 : 0;
    if (l.name == "EXT-X-MAP") {
      auto attrs = parse_attribute_list(l.value);
      ASSERT_TRUE(attrs.ok());
      EXPECT_NE(find_attribute(*attrs, "URI"), nullptr);
      ++maps;
    }
  }
  EXPECT_EQ(uris, 4);
  EXPECT_EQ(maps, 2);
}

TEST(HlsMediaPlaylist, TargetDurationRoundsAtMillisecondsAndHonoursFloor) {
  std::vector<SegmentRecord> s = {{"a", 2.0000004, 0, false, ""}};
  EXPECT_EQ(target_duration(s, 0), 2);  // written as 2.000, so 2 is correct
  s[0].duration_s = 2.4994;
  EXPECT_EQ(target_duration(s, 0), 2);  // written as 2.499: rounds to 2 (RFC 8216 4.3.3.1)
  s[0].duration_s = 2.4996;
  EXPECT_EQ(target_duration(s, 0), 3);  // written as 2.500
  EXPECT_EQ(target_duration(s, 4), 4);
  EXPECT_EQ(target_duration({}, 0), 1);
  EXPECT_EQ(target_duration({}, 2), 2);
}

TEST(HlsMediaPlaylist, EmptyWindowAndMissingDateTime) {
  MediaPlaylist p;
  p.target_duration_s = 2;
  auto text = write_media_playlist(p);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("#EXT-X-TARGETDURATION:2\n"), std::string::npos);
  p.segments = {{"a.m4s", 1.0, 0, false, "init.mp4"}};
  text = write_media_playlist(p);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("PROGRAM-DATE-TIME"), std::string::npos);
}

TEST(HlsMediaPlaylist, InvalidSegmentsAreErrors) {
  MediaPlaylist p = window();
  p.segments[1].uri = "";
  EXPECT_FALSE(write_media_playlist(p).ok());
  p = window();
  p.segments[1].uri = "#EXTINF:hack";
  EXPECT_FALSE(write_media_playlist(p).ok());
  p = window();
  p.segments[1].duration_s = -1;
  EXPECT_FALSE(write_media_playlist(p).ok());
  p = window();
  p.segments[1].duration_s = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(write_media_playlist(p).ok());
  p = window();
  p.segments[1].init_uri = "x\"y";
  EXPECT_FALSE(write_media_playlist(p).ok());
}

TEST(HlsMediaPlaylist, ProgramDateTimeFormatting) {
  EXPECT_EQ(format_program_date_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_program_date_time(951782400123), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(format_program_date_time(4102444799999), "2099-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace antcdn::format::hls
