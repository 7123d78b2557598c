#include "common/parse_number.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace antcdn {
namespace {

TEST(ParseNumberTest, TakesTheWholeTextOnly) {
  EXPECT_EQ(parse_number<int>("42"), 42);
  EXPECT_EQ(parse_number<int>("-7"), -7);
  EXPECT_EQ(parse_number<double>("2.002"), 2.002);
  EXPECT_FALSE(parse_number<int>(""));
  EXPECT_FALSE(parse_number<int>(" 42"));
  EXPECT_FALSE(parse_number<int>("42 "));
  EXPECT_FALSE(parse_number<int>("+42"));
  EXPECT_FALSE(parse_number<int>("4x2"));
  EXPECT_FALSE(parse_number<double>("2.0,"));
}

TEST(ParseNumberTest, RefusesWhatTheTypeCannotHold) {
  EXPECT_EQ(parse_number<uint16_t>("65535"), 65535);
  EXPECT_FALSE(parse_number<uint16_t>("65536"));
  EXPECT_FALSE(parse_number<uint64_t>("-1"));
  EXPECT_FALSE(parse_number<int64_t>("99999999999999999999"));
}

}  // namespace
}  // namespace antcdn
