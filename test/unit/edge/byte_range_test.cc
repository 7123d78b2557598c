#include "edge/byte_range.h"

#include <gtest/gtest.h>

namespace antcdn::edge {
namespace {

using Kind = ByteRange::Kind;

TEST(ByteRange, OneRangeOfEachForm) {
  struct Case {
    std::string header;
    uint64_t first;
    uint64_t last;
  };
  for (const auto& c : std::vector<Case>{
           {"bytes=0-99", 0, 99},
           {"bytes=100-", 100, 999},
           {"bytes=-10", 990, 999},
           {"bytes=-5000", 0, 999},       // more than the object: all of it
           {"bytes=990-5000", 990, 999},  // the end is clipped
           {" bytes=5-5 ", 5, 5},
       }) {
    ByteRange r = parse_byte_range(c.header, 1000);
    ASSERT_EQ(r.kind, Kind::Partial) << c.header;
    EXPECT_EQ(r.first, c.first) << c.header;
    EXPECT_EQ(r.last, c.last) << c.header;
  }
  EXPECT_EQ(content_range(parse_byte_range("bytes=0-99", 1000), 1000), "bytes 0-99/1000");
}

TEST(ByteRange, UnsatisfiableRanges) {
  for (std::string h : {"bytes=1000-", "bytes=2000-3000", "bytes=-0"}) {
    ByteRange r = parse_byte_range(h, 1000);
    EXPECT_EQ(r.kind, Kind::Unsatisfiable) << h;
    EXPECT_EQ(content_range(r, 1000), "bytes */1000");
  }
  EXPECT_EQ(parse_byte_range("bytes=-1", 0).kind, Kind::Unsatisfiable);
}

TEST(ByteRange, WhatIsNotOneByteRangeIsIgnored) {
  EXPECT_EQ(parse_byte_range(std::nullopt, 1000).kind, Kind::Whole);
  for (std::string h : {"", "items=0-1", "bytes=0-1,5-6", "bytes=5-1", "bytes=a-", "bytes=-",
                        "bytes=1", "bytes=99999999999999999999-", "bytes=0x1-2"}) {
    EXPECT_EQ(parse_byte_range(h, 1000).kind, Kind::Whole) << h;
  }
}

}  // namespace
}  // namespace antcdn::edge
