#include "format/fmp4/box_walker.h"

#include <gtest/gtest.h>

#include "format/fmp4/box_writer.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::fmp4 {
namespace {

using antcdn::test::bytes;

TEST(Fmp4BoxWalker, WalksContainersAndFindsPaths) {
  BoxWriter w;
  w.begin("moov");
  w.begin("trak");
  w.begin_full("tkhd", 0, 3);
  w.end();
  w.end();
  w.end();
  w.begin("mdat");
  w.out().u32be(0xdeadbeef);
  w.end();
  Bytes data = std::move(w).take();
  auto boxes = walk_boxes(data);
  ASSERT_TRUE(boxes.ok()) << boxes.error().describe();
  ASSERT_EQ(boxes->size(), 2u);
  const Box* tkhd = find_box(*boxes, "moov/trak/tkhd");
  ASSERT_NE(tkhd, nullptr);
  EXPECT_EQ(tkhd->offset, 16u);
  EXPECT_EQ(tkhd->size, 12u);
  EXPECT_EQ(tkhd->payload.size(), 4u);
  EXPECT_EQ((*boxes)[1].type, "mdat");
  EXPECT_EQ((*boxes)[1].payload.size(), 4u);
  EXPECT_TRUE((*boxes)[1].children.empty());  // mdat is not a container
  EXPECT_EQ(find_box(*boxes, "moov/trak/mdia"), nullptr);
  EXPECT_NE((*boxes)[0].find("trak/tkhd"), nullptr);
}

TEST(Fmp4BoxWalker, LargeSizeAndSizeZero) {
  Bytes data = bytes({0, 0, 0, 1, 'f', 'r', 'e', 'e', 0, 0, 0, 0, 0, 0, 0, 18, 0xaa, 0xbb,  //
                      0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3});
  auto boxes = walk_boxes(data);
  ASSERT_TRUE(boxes.ok()) << boxes.error().describe();
  ASSERT_EQ(boxes->size(), 2u);
  EXPECT_EQ((*boxes)[0].header_size, 16u);
  EXPECT_EQ((*boxes)[0].payload.size(), 2u);
  EXPECT_EQ((*boxes)[1].size, 11u);
  EXPECT_EQ((*boxes)[1].payload.size(), 3u);
}

TEST(Fmp4BoxWalker, MalformedBoxesAreErrors) {
  EXPECT_FALSE(walk_boxes(bytes({0, 0, 0, 9, 'f', 'r', 'e', 'e'})).ok());  // past the end
  EXPECT_FALSE(walk_boxes(bytes({0, 0, 0, 4, 'f', 'r', 'e', 'e'})).ok());  // below header
  EXPECT_FALSE(walk_boxes(bytes({0, 0, 0, 8, 'f', 'r'})).ok());            // truncated header
  EXPECT_FALSE(walk_boxes(bytes({0, 0, 0, 1, 'f', 'r', 'e', 'e', 0, 0})).ok());
  // A child that runs past its parent.
  EXPECT_FALSE(
      walk_boxes(bytes({0, 0, 0, 16, 'm', 'o', 'o', 'v', 0, 0, 0, 12, 't', 'r', 'a', 'k'})).ok());
  // stsd shorter than its entry_count preamble.
  EXPECT_FALSE(walk_boxes(bytes({0, 0, 0, 12, 's', 't', 's', 'd', 0, 0, 0, 0})).ok());
  auto empty = walk_boxes({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(Fmp4BoxWalker, DeepNestingIsRefused) {
  BoxWriter w;
  for (int i = 0; i < 40; ++i) {
    w.begin("moov");
  }
  for (int i = 0; i < 40; ++i) {
    w.end();
  }
  EXPECT_FALSE(walk_boxes(std::move(w).take()).ok());
}

}  // namespace
}  // namespace antcdn::format::fmp4
