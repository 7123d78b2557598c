#include "format/avc/nal_units.h"

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::avc {
namespace {

using antcdn::test::bytes;

// AUD, SPS(2 bytes), IDR(3 bytes), 4-byte lengths.
Bytes idr_au() {
  return bytes({0, 0, 0, 2, 0x09, 0xf0, 0, 0, 0, 2, 0x67, 0x64, 0, 0, 0, 3, 0x65, 0x88, 0x84});
}

TEST(AvcNalUnits, SplitsAndDetectsIdr) {
  Bytes au = idr_au();
  auto nals = split_avcc(au, 4);
  ASSERT_TRUE(nals.ok());
  ASSERT_EQ(nals->size(), 3u);
  EXPECT_EQ(nal_type((*nals)[0]), 9);
  EXPECT_EQ(nal_type((*nals)[2]), 5);
  EXPECT_EQ((*nals)[2].size(), 3u);
  auto idr = contains_idr(au, 4);
  ASSERT_TRUE(idr.ok());
  EXPECT_TRUE(*idr);
  auto non_idr = contains_idr(bytes({0, 0, 0, 2, 0x41, 0x9a}), 4);
  ASSERT_TRUE(non_idr.ok());
  EXPECT_FALSE(*non_idr);
}

TEST(AvcNalUnits, ConvertsLengthSizes) {
  Bytes two = bytes({0, 2, 0x09, 0xf0, 0, 3, 0x65, 0x88, 0x84});
  auto four = convert_nal_length_size(two, 2, 4);
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(*four, bytes({0, 0, 0, 2, 0x09, 0xf0, 0, 0, 0, 3, 0x65, 0x88, 0x84}));
  auto one = convert_nal_length_size(*four, 4, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, bytes({2, 0x09, 0xf0, 3, 0x65, 0x88, 0x84}));
  auto back = convert_nal_length_size(*one, 1, 2);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, two);
}

TEST(AvcNalUnits, RefusesNalTooLongForTargetLength) {
  Bytes big(4 + 300, std::byte{0x41});
  big[0] = big[1] = std::byte{0};
  big[2] = std::byte{1};
  big[3] = std::byte{44};  // 300
  EXPECT_FALSE(convert_nal_length_size(big, 4, 1).ok());
  EXPECT_TRUE(convert_nal_length_size(big, 4, 2).ok());
}

TEST(AvcNalUnits, RemovesAudAndParameterSets) {
  auto stripped = remove_nal_units(idr_au(), 4, {NalType::Aud, NalType::Sps, NalType::Pps});
  ASSERT_TRUE(stripped.ok());
  EXPECT_EQ(*stripped, bytes({0, 0, 0, 3, 0x65, 0x88, 0x84}));
}

TEST(AvcNalUnits, SkipsEmptyNalsAndRejectsOverruns) {
  auto nals = split_avcc(bytes({0, 0, 0, 0, 0, 0, 0, 1, 0x41}), 4);
  ASSERT_TRUE(nals.ok());
  EXPECT_EQ(nals->size(), 1u);
  EXPECT_FALSE(split_avcc(bytes({0, 0, 0, 5, 0x41}), 4).ok());
  EXPECT_FALSE(split_avcc(bytes({0, 0, 0}), 4).ok());
  EXPECT_FALSE(split_avcc(bytes({0x41}), 3).ok());
  EXPECT_FALSE(contains_idr(bytes({0, 9}), 2).ok());
  auto empty = split_avcc({}, 4);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace antcdn::format::avc
