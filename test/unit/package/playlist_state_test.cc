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

// A window that has slid past two reconnects: two maps and a discontinuity in
// it, one discontinuity counted out, a long segment gone (the target stays 3),
// wall-clock times.
PlaylistState lived_in() {
  PlaylistState p(4);
  int64_t pdt = 1700000000000;
  auto add = [&](const std::string& uri, double d, const std::string& init) {
    p.add({.uri = uri, .duration_s = d, .program_date_time_ms = pdt += 2000, .init_uri = init});
  };
  add("a-0.m4s", 2.0, "init-a.mp4");
  add("a-1.m4s", 2.0, "init-a.mp4");
  p.mark_discontinuity();
  add("b-2.m4s", 2.533, "init-b.mp4");
  add("b-3.m4s", 1.2, "init-b.mp4");
  p.mark_discontinuity();
  for (int i = 4; i < 7; ++i) {
    add("c-" + std::to_string(i) + ".m4s", 1.999, "init-c.mp4");
  }
  return p;
}

TEST(PlaylistState, RestoreRendersTheStoredTextAgain) {
  PlaylistState p = lived_in();
  std::string stored = *p.render();
  ASSERT_NE(stored.find("#EXT-X-DISCONTINUITY-SEQUENCE:1"), std::string::npos) << stored;
  ASSERT_NE(stored.find("#EXT-X-MEDIA-SEQUENCE:3"), std::string::npos) << stored;
  auto restored = PlaylistState::restore(stored, 4);
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(*restored->render(), stored);
  EXPECT_EQ(restored->next_sequence(), p.next_sequence());
  EXPECT_FALSE(restored->ended());

  p.end();
  auto ended = PlaylistState::restore(*p.render(), 4);
  ASSERT_TRUE(ended.ok()) << ended.error().describe();
  EXPECT_TRUE(ended->ended());
  EXPECT_EQ(*ended->render(), *p.render());
}

TEST(PlaylistState, RestoredStateGoesOnLikeTheOriginal) {
  PlaylistState p = lived_in();
  PlaylistState restored = *PlaylistState::restore(*p.render(), 4);
  for (PlaylistState* s : {&p, &restored}) {
    s->mark_discontinuity();
    EXPECT_EQ(s->add(seg("d-7.m4s")), std::vector<std::string>{"b-3.m4s"});
    s->add(seg("d-8.m4s"));
  }
  EXPECT_EQ(restored.next_sequence(), 9u);
  std::string text = *restored.render();
  EXPECT_EQ(text, *p.render());
  // c-4 left with its tag: one more in the count.
  EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:5"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:2"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-TARGETDURATION:3"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-a.mp4\"\n#EXTINF:2.000,\nd-7"),
            std::string::npos)
      << text;
}

TEST(PlaylistState, RestoreKeepsALongerStoredWindowUntilTheNextAdd) {
  PlaylistState wide(5);
  for (int i = 0; i < 5; ++i) {
    wide.add(seg("a-" + std::to_string(i) + ".m4s"));
  }
  PlaylistState narrow = *PlaylistState::restore(*wide.render(), 2);
  EXPECT_EQ(narrow.size(), 5u);
  EXPECT_EQ(narrow.add(seg("a-5.m4s")),
            (std::vector<std::string>{"a-0.m4s", "a-1.m4s", "a-2.m4s", "a-3.m4s"}));
  EXPECT_EQ(narrow.next_sequence(), 6u);
}

TEST(PlaylistState, RestoreRejectsTextItDidNotWrite) {
  const std::string head =
      "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n";
  const std::string map = "#EXT-X-MAP:URI=\"init-a.mp4\"\n";
  for (const std::string& bad : {
           std::string(),
           std::string("not a playlist\n"),
           head + map + "#EXTINF:2.000,\na-0.m4s",                      // no last line break
           head + map + "#EXTINF:2.000,\n",                             // cut before the URI
           head + map + "a-0.m4s\n",                                    // no EXTINF
           head + map + "#EXTINF:x,\na-0.m4s\n",                        //
           head + map + "#EXTINF:-1.000,\na-0.m4s\n",                   //
           head + map + "#EXTINF:nan,\na-0.m4s\n",                      //
           head + "#EXT-X-MAP:BYTERANGE=\"1@0\"\n#EXTINF:2,\na.m4s\n",  // map without URI
           head + "#EXT-X-MAP:URI=\"init\n",                            // unterminated quote
           head + "#EXT-X-PROGRAM-DATE-TIME:2023-02-30T00:00:00.000Z\n#EXTINF:2,\na.m4s\n",
           head + "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20Z\n#EXTINF:2,\na.m4s\n",
           head + map + "#EXT-X-DISCONTINUITY\n",              // tag without a segment
           head + map + "#EXTINF:2.000,\n#EXT-X-ENDLIST\n",    //
           head + "#EXT-X-ENDLIST\n#EXTINF:2.000,\na.m4s\n",   // after the end
           std::string("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n"),  // no target duration
           std::string("#EXTM3U\n#EXT-X-TARGETDURATION:0\n"),  //
           std::string("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:-1\n"),
           std::string("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1x\n"),
       }) {
    auto r = PlaylistState::restore(bad, 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Code::InvalidArgument) << bad;
  }
}

TEST(PlaylistState, RestoreOfEveryTruncationFailsCleanlyOrIsAWholeLinePrefix) {
  PlaylistState p = lived_in();
  p.end();
  std::string stored = *p.render();
  for (size_t n = 0; n < stored.size(); ++n) {
    auto r = PlaylistState::restore(std::string_view(stored).substr(0, n), 4);
    // Cut at a line end between segments it reads as a shorter window.
    if (r.ok()) {
      EXPECT_TRUE(stored.substr(0, n).ends_with(".m4s\n") || !r->size()) << n;
      EXPECT_FALSE(r->ended());
    }
  }
}

TEST(PlaylistState, RestoreSkipsUnknownTagsAndComments) {
  auto r = PlaylistState::restore(
      "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n# hello\n#EXT-X-FUTURE:1\n"
      "#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:2.5,title\na-7.m4s\n",
      10);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 1u);
  EXPECT_EQ(r->next_sequence(), 8u);
  std::string text = *r->render();
  EXPECT_NE(text.find("#EXT-X-TARGETDURATION:4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:2.500,\na-7.m4s\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace antcdn::package
