#include "record/rendition_playlist.h"

#include <gtest/gtest.h>

namespace antcdn::record {
namespace {

RecordedRendition two_sessions() {
  return RecordedRendition{
      .name = "720p",
      .kind = media::MediaKind::Video,
      .segments = {{.uri = "a-0.m4s", .init_uri = "init-a.mp4", .duration_s = 2.0, .bytes = 1000},
                   {.uri = "a-1.m4s", .init_uri = "init-a.mp4", .duration_s = 1.5, .bytes = 900},
                   {.uri = "b-2.m4s",
                    .init_uri = "init-b.mp4",
                    .duration_s = 2.5,
                    .discontinuity_before = true,
                    .bytes = 1200}},
      .inits = {{"init-a.mp4", 700}, {"init-b.mp4", 710}}};
}

TEST(RenditionPlaylist, IsTheVodPlaylistWithEachObjectsSizeBeforeEndlist) {
  auto text = rendition_playlist(two_sessions());
  ASSERT_TRUE(text.ok()) << text.error().describe();
  auto vod = vod_playlist(two_sessions().segments);
  ASSERT_TRUE(vod.ok());
  std::string_view end = "#EXT-X-ENDLIST\n";
  EXPECT_EQ(*text, vod->substr(0, vod->size() - end.size()) +
                       "#ANTCDN-BYTES:700,init-a.mp4\n"
                       "#ANTCDN-BYTES:710,init-b.mp4\n"
                       "#ANTCDN-BYTES:1000,a-0.m4s\n"
                       "#ANTCDN-BYTES:900,a-1.m4s\n"
                       "#ANTCDN-BYTES:1200,b-2.m4s\n"
                       "#EXT-X-ENDLIST\n");
}

TEST(RenditionPlaylist, ReadsBackWhatItWrote) {
  RecordedRendition sent = two_sessions();
  auto text = rendition_playlist(sent);
  ASSERT_TRUE(text.ok());
  auto got = parse_rendition_playlist(*text, "720p", media::MediaKind::Video);
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ(got->name, "720p");
  EXPECT_EQ(got->inits, sent.inits);
  ASSERT_EQ(got->segments.size(), sent.segments.size());
  for (size_t i = 0; i < sent.segments.size(); ++i) {
    EXPECT_EQ(got->segments[i].uri, sent.segments[i].uri);
    EXPECT_EQ(got->segments[i].init_uri, sent.segments[i].init_uri);
    EXPECT_DOUBLE_EQ(got->segments[i].duration_s, sent.segments[i].duration_s);
    EXPECT_EQ(got->segments[i].discontinuity_before, sent.segments[i].discontinuity_before);
    EXPECT_EQ(got->segments[i].bytes, sent.segments[i].bytes);
  }
  // Written again, the same text: a node that goes on from it loses nothing.
  auto again = rendition_playlist(*got);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *text);
  EXPECT_TRUE(lists_segment(*got, "b-2.m4s"));
  EXPECT_FALSE(lists_segment(*got, "b-3.m4s"));
}

TEST(RenditionPlaylist, RefusesTextItDidNotWriteWhole) {
  auto text = rendition_playlist(two_sessions());
  ASSERT_TRUE(text.ok());
  auto parse = [](std::string_view t) {
    return parse_rendition_playlist(t, "720p", media::MediaKind::Video);
  };
  // Cut off before ENDLIST, or mid-line.
  std::string cut = text->substr(0, text->find("#EXT-X-ENDLIST"));
  EXPECT_EQ(parse(cut).error().code, Code::InvalidArgument);
  EXPECT_EQ(parse(text->substr(0, text->size() - 3)).error().code, Code::InvalidArgument);
  // A segment whose size is missing, or a size that is not a number.
  std::string no_size = *text;
  no_size.erase(no_size.find("#ANTCDN-BYTES:900,a-1.m4s\n"), 26);
  EXPECT_EQ(parse(no_size).error().code, Code::InvalidArgument);
  std::string bad = *text;
  bad.replace(bad.find("900,"), 3, "9x0");
  EXPECT_EQ(parse(bad).error().code, Code::InvalidArgument);
  // A URI without EXTINF; text after ENDLIST.
  EXPECT_EQ(parse("#EXTM3U\na-0.m4s\n#EXT-X-ENDLIST\n").error().code, Code::InvalidArgument);
  EXPECT_EQ(parse(*text + "#EXTINF:2.000,\nc-3.m4s\n").error().code, Code::InvalidArgument);
}

TEST(RenditionPlaylist, AnEmptyRenditionReadsBackEmpty) {
  RecordedRendition none{.name = "audio", .kind = media::MediaKind::Audio};
  auto text = rendition_playlist(none);
  ASSERT_TRUE(text.ok());
  auto got = parse_rendition_playlist(*text, "audio", media::MediaKind::Audio);
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_TRUE(got->segments.empty());
  EXPECT_EQ(got->kind, media::MediaKind::Audio);
}

}  // namespace
}  // namespace antcdn::record
