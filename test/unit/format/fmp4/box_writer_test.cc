#include "format/fmp4/box_writer.h"

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::fmp4 {
namespace {

using antcdn::test::bytes;

TEST(Fmp4BoxWriter, PatchesNestedSizes) {
  BoxWriter w;
  w.begin("moov");
  EXPECT_EQ(w.depth(), 1u);
  w.begin_full("mvhd", 1, 0x000203);
  w.out().u8(0xaa);
  w.end();
  w.begin("free");
  w.end();
  w.end();
  EXPECT_EQ(w.depth(), 0u);
  Bytes out = std::move(w).take();
  EXPECT_EQ(out, bytes({0, 0, 0, 29, 'm', 'o', 'o', 'v',                    //
                        0, 0, 0, 13, 'm', 'v', 'h', 'd', 1, 0, 2, 3, 0xaa,  //
                        0, 0, 0, 8,  'f', 'r', 'e', 'e'}));
}

}  // namespace
}  // namespace antcdn::format::fmp4
