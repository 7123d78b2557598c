#include "format/avc/annex_b.h"

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::avc {
namespace {

using antcdn::test::bytes;

TEST(AvcAnnexB, SplitsMixedStartCodes) {
  // 4-byte start code, 3-byte start code, trailing zeros before the next one.
  Bytes stream = bytes({0, 0, 0, 1, 0x67, 0x64, 0, 0, 1, 0x68, 0xeb, 0, 0, 0, 0, 1, 0x65, 0x88});
  auto nals = split_annex_b(stream);
  ASSERT_EQ(nals.size(), 3u);
  EXPECT_EQ(Bytes(nals[0].begin(), nals[0].end()), bytes({0x67, 0x64}));
  EXPECT_EQ(Bytes(nals[1].begin(), nals[1].end()), bytes({0x68, 0xeb}));
  EXPECT_EQ(Bytes(nals[2].begin(), nals[2].end()), bytes({0x65, 0x88}));
}

TEST(AvcAnnexB, KeepsEmulationPreventedZerosInsideNal) {
  Bytes stream = bytes({0, 0, 1, 0x65, 0, 0, 3, 1, 0x80});
  auto nals = split_annex_b(stream);
  ASSERT_EQ(nals.size(), 1u);
  EXPECT_EQ(nals[0].size(), 6u);
}

TEST(AvcAnnexB, RoundTripsThroughAvcc) {
  Bytes stream = bytes({0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x65, 0x88, 0x84});
  Bytes avcc = annex_b_to_avcc(stream);
  EXPECT_EQ(avcc, bytes({0, 0, 0, 2, 0x09, 0xf0, 0, 0, 0, 3, 0x65, 0x88, 0x84}));
  auto back = avcc_to_annex_b(avcc, 4);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, stream);
  auto from_two = avcc_to_annex_b(bytes({0, 2, 0x09, 0xf0}), 2);
  ASSERT_TRUE(from_two.ok());
  EXPECT_EQ(*from_two, bytes({0, 0, 0, 1, 0x09, 0xf0}));
  EXPECT_FALSE(avcc_to_annex_b(bytes({0, 9, 0x09}), 2).ok());
}

TEST(AvcAnnexB, GarbageAndEdgeCases) {
  EXPECT_TRUE(split_annex_b({}).empty());
  EXPECT_TRUE(split_annex_b(bytes({0x12, 0x34})).empty());
  EXPECT_TRUE(split_annex_b(bytes({0, 0, 1})).empty());
  EXPECT_TRUE(split_annex_b(bytes({0, 0, 1, 0, 0, 0, 1})).empty());
  auto nals = split_annex_b(bytes({0xaa, 0, 0, 1, 0x41}));  // leading junk ignored
  ASSERT_EQ(nals.size(), 1u);
}

}  // namespace
}  // namespace antcdn::format::avc
