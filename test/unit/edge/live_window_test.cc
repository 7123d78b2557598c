#include "edge/live_window.h"

#include <gtest/gtest.h>

namespace antcdn::edge {
namespace {

// Two sessions (a reconnect): the old one's last segments, then the new one.
constexpr std::string_view kPlaylist =
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n"
    "#EXT-X-MAP:URI=\"init-old.mp4\"\n"
    "#EXTINF:2.000,\nold-10.m4s\n#EXTINF:2.000,\nold-11.m4s\n"
    "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-new-x.mp4\"\n"
    "#EXTINF:2.000,\nnew-x-0.m4s\n#EXTINF:2.000,\nnew-x-1.m4s\n";

TEST(LiveWindowTest, ListedSessionsHaveTheirInitSections) {
  auto w = LiveWindow::parse(kPlaylist);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->may_have_init("old"));
  EXPECT_TRUE(w->may_have_init("new-x"));
  EXPECT_FALSE(w->may_have_init("new"));
  EXPECT_FALSE(w->may_have_init("other"));
}

TEST(LiveWindowTest, SegmentsNearTheWindowAndNoOthers) {
  auto w = LiveWindow::parse(kPlaylist);
  ASSERT_TRUE(w.ok());
  // Listed, and up to kAhead past the newest of each session.
  for (uint64_t seq = 10; seq <= 11 + LiveWindow::kAhead; ++seq) {
    EXPECT_TRUE(w->may_have_segment("old", seq)) << seq;
  }
  EXPECT_FALSE(w->may_have_segment("old", 12 + LiveWindow::kAhead));
  // Slid out: as many before the oldest as the window holds (4 segments).
  EXPECT_TRUE(w->may_have_segment("old", 6));
  EXPECT_FALSE(w->may_have_segment("old", 5));
  EXPECT_TRUE(w->may_have_segment("new-x", 0));
  EXPECT_TRUE(w->may_have_segment("new-x", 1 + LiveWindow::kAhead));
  EXPECT_FALSE(w->may_have_segment("new-x", 2 + LiveWindow::kAhead));
  EXPECT_FALSE(w->may_have_segment("missing", 10));
  EXPECT_FALSE(w->may_have_segment("old", UINT64_MAX));
}

TEST(LiveWindowTest, ASessionWithOnlyItsInitListedMayHaveItsFirstSegments) {
  auto w = LiveWindow::parse("#EXTM3U\n#EXT-X-MAP:URI=\"init-s.mp4\"\n");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->may_have_init("s"));
  EXPECT_TRUE(w->may_have_segment("s", 0));
  EXPECT_FALSE(w->may_have_segment("s", LiveWindow::kAhead));
}

TEST(LiveWindowTest, ForeignUrisAreIgnored) {
  auto w = LiveWindow::parse(
      "#EXTM3U\n#EXTINF:2,\nhttps://cdn.example/s-1.m4s\n#EXTINF:2,\n../s-2.m4s\n"
      "#EXT-X-MAP:URI=\"sub/init-s.mp4\"\n");
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w->may_have_init("s"));
  EXPECT_FALSE(w->may_have_segment("s", 1));
}

TEST(LiveWindowTest, NotAPlaylistIsAnError) {
  EXPECT_FALSE(LiveWindow::parse("").ok());
  EXPECT_FALSE(LiveWindow::parse("<html>").ok());
}

}  // namespace
TEST(LiveWindowTest, PartsAndTheHintListTheSegmentBeingBuilt) {
  auto w = LiveWindow::parse(
      "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:40\n#EXT-X-DISCONTINUITY\n"
      "#EXT-X-MAP:URI=\"init-b.mp4\"\n#EXT-X-PART:DURATION=0.5,URI=\"b-57.0.m4s\"\n"
      "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"b-57.1.m4s\"\n");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->may_have_init("b"));
  EXPECT_TRUE(w->may_have_segment("b", 57)) << "a reconnect's first parts, before any segment";
  EXPECT_FALSE(w->may_have_segment("b", 80));
}

}  // namespace antcdn::edge
