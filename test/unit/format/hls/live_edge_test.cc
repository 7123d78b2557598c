#include "format/hls/live_edge.h"

#include <gtest/gtest.h>

#include "format/hls/media_playlist.h"

namespace antcdn::format::hls {
namespace {

// A low-latency playlist as the packager writes it: `whole` 2 s segments from
// sequence `first`, three parts each, then `parts` parts of the next one.
std::string low_latency_playlist(uint64_t first, int whole, int parts, bool ended = false) {
  MediaPlaylist p;
  p.target_duration_s = 2;
  p.media_sequence = first;
  for (int i = 0; i < whole; ++i) {
    uint64_t seq = first + i;
    SegmentRecord s{.uri = "s-" + std::to_string(seq) + ".m4s",
                    .duration_s = 2.0,
                    .program_date_time_ms = 1700000000000 + 2000 * static_cast<int64_t>(seq),
                    .init_uri = i < 3 ? "init-a.mp4" : "init-b.mp4"};
    s.discontinuity_before = i == 3;
    for (int k = 0; k < 3; ++k) {
      s.parts.push_back(
          PartRecord{.uri = "s-" + std::to_string(seq) + "." + std::to_string(k) + ".m4s",
                     .duration_s = 0.667,
                     .independent = k == 0});
    }
    p.segments.push_back(std::move(s));
  }
  LowLatency ll{.part_target_s = 0.7};
  ll.partial.init_uri = "init-b.mp4";
  for (int k = 0; k < parts; ++k) {
    ll.partial.parts.push_back(
        PartRecord{.uri = "s-" + std::to_string(first + whole) + "." + std::to_string(k) + ".m4s",
                   .duration_s = 0.667});
  }
  ll.preload_hint_uri = "s-" + std::to_string(first + whole) + "." + std::to_string(parts) + ".m4s";
  p.low_latency = ll;
  p.ended = ended;
  auto text = write_media_playlist(p);
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : std::string();
}

TEST(LiveEdgeTest, ReadsTheNextSegmentAndItsPartsSoFar) {
  auto edge = read_live_edge(low_latency_playlist(5, 4, 2));
  ASSERT_TRUE(edge.ok()) << edge.error().describe();
  EXPECT_EQ(edge->next_msn, 9u);
  EXPECT_EQ(edge->parts, 2u);
  EXPECT_TRUE(edge->low_latency);
  EXPECT_FALSE(edge->ended);
  EXPECT_EQ(edge->target_duration_s, 2);

  auto whole = read_live_edge(low_latency_playlist(5, 4, 0));
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->next_msn, 9u);
  EXPECT_EQ(whole->parts, 0u);
}

TEST(LiveEdgeTest, RejectsWhatIsNotAMediaPlaylist) {
  EXPECT_FALSE(read_live_edge("").ok());
  EXPECT_FALSE(read_live_edge("hello\n").ok());
  EXPECT_FALSE(read_live_edge("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:x\n#EXT-X-TARGETDURATION:2\n").ok());
  EXPECT_FALSE(read_live_edge("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n").ok());
}

TEST(LiveEdgeTest, DeliversWhatIsThereWaitsForWhatComesAndRefusesWhatIsTooFar) {
  auto edge = read_live_edge(low_latency_playlist(5, 4, 2));  // segments 5-8, 9.0 and 9.1
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(delivery(*edge, {.msn = 8}), Delivery::Now);
  EXPECT_EQ(delivery(*edge, {.msn = 8, .part = 7}), Delivery::Now) << "segment 8 is whole";
  EXPECT_EQ(delivery(*edge, {.msn = 9, .part = 1}), Delivery::Now);
  EXPECT_EQ(delivery(*edge, {.msn = 9, .part = 2}), Delivery::Wait);
  EXPECT_EQ(delivery(*edge, {.msn = 9, .part = 4}), Delivery::Wait);
  EXPECT_EQ(delivery(*edge, {.msn = 9, .part = 5}), Delivery::TooFar) << "3 parts ahead";
  EXPECT_EQ(delivery(*edge, {.msn = 9}), Delivery::Wait);
  EXPECT_EQ(delivery(*edge, {.msn = 10, .part = 0}), Delivery::Wait);
  EXPECT_EQ(delivery(*edge, {.msn = 11}), Delivery::TooFar) << "more than 2 segments ahead";

  auto ended = read_live_edge(low_latency_playlist(5, 4, 0, true));
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(delivery(*ended, {.msn = 100}), Delivery::Now) << "an ended playlist never blocks";
}

TEST(LiveEdgeTest, PlaylistsWithoutPartsNeverBlock) {
  MediaPlaylist p;
  p.target_duration_s = 2;
  p.segments.push_back(SegmentRecord{.uri = "a-0.m4s", .duration_s = 2, .init_uri = "init-a.mp4"});
  auto text = write_media_playlist(p);
  ASSERT_TRUE(text.ok());
  auto edge = read_live_edge(*text);
  ASSERT_TRUE(edge.ok());
  EXPECT_FALSE(edge->low_latency);
  EXPECT_EQ(delivery(*edge, {.msn = 2}), Delivery::Now);
  auto delta = delta_update(*text);
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(*delta, *text);
}

TEST(LiveEdgeTest, NewerMeansALaterPartSegmentOrTheEnd) {
  auto a = *read_live_edge(low_latency_playlist(5, 4, 1));
  auto b = *read_live_edge(low_latency_playlist(5, 4, 2));
  auto c = *read_live_edge(low_latency_playlist(6, 4, 0));
  auto end = *read_live_edge(low_latency_playlist(5, 4, 0, true));
  EXPECT_TRUE(is_newer(b, a));
  EXPECT_FALSE(is_newer(a, b));
  EXPECT_TRUE(is_newer(c, b));
  EXPECT_TRUE(is_newer(end, c));
  EXPECT_FALSE(is_newer(a, a));
}

// CAN-SKIP-UNTIL is 12 s for a 2 s target: of 8 whole segments (16 s), those
// that end more than 12 s before the end go, the rest stay byte for byte.
TEST(LiveEdgeTest, DeltaUpdateSkipsOldSegmentsAndKeepsTheMapInForce) {
  std::string full = low_latency_playlist(10, 8, 1);
  auto delta = delta_update(full);
  ASSERT_TRUE(delta.ok()) << delta.error().describe();
  EXPECT_NE(delta->find("#EXT-X-VERSION:9\n"), std::string::npos) << *delta;
  EXPECT_NE(delta->find("#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n"), std::string::npos) << *delta;
  EXPECT_EQ(delta->find("s-10.m4s"), std::string::npos) << *delta;
  EXPECT_EQ(delta->find("s-11.m4s"), std::string::npos) << *delta;
  // Segment 12 came after the map of segments 10-12; it is stated again.
  size_t skip = delta->find("#EXT-X-SKIP");
  EXPECT_EQ(delta->find("#EXT-X-MAP:URI=\"init-a.mp4\"\n", skip), skip + 31) << *delta;
  // Everything from segment 12 on is the full playlist's text.
  std::string from12 = full.substr(full.find("#EXT-X-PROGRAM-DATE-TIME", full.find("s-11.m4s")));
  EXPECT_TRUE(delta->ends_with(from12)) << *delta;
  EXPECT_LT(delta->find("#EXT-X-SERVER-CONTROL"), skip);

  std::string short_one = low_latency_playlist(0, 5, 1);
  auto unchanged = delta_update(short_one);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(*unchanged, short_one) << "10 s: nothing may be skipped";
}

}  // namespace
}  // namespace antcdn::format::hls
