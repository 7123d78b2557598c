#include "media/input_limits.h"

#include <limits>

#include <gtest/gtest.h>

namespace antcdn::media {
namespace {

TEST(InputLimits, FrameRatesOutsideZeroTo240AreUnknown) {
  EXPECT_DOUBLE_EQ(sane_frame_rate(29.97), 29.97);
  EXPECT_DOUBLE_EQ(sane_frame_rate(240), 240);
  for (double bad :
       {0.0, -1.0, 240.001, 1e9, std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_EQ(sane_frame_rate(bad), 0) << bad;
  }
}

TEST(InputLimits, PictureSizesUpTo8kAreAccepted) {
  EXPECT_TRUE(check_picture_size(7680, 4320).ok());
  EXPECT_TRUE(check_picture_size(4320, 4320).ok());
  EXPECT_EQ(check_picture_size(7681, 4320).error().code, Code::Unsupported);
  EXPECT_EQ(check_picture_size(1920, 4321).error().code, Code::Unsupported);
  EXPECT_EQ(check_picture_size(0, 240).error().code, Code::InvalidArgument);
  EXPECT_EQ(check_picture_size(16384, 16384).error().message,
            "picture size 16384x16384 is larger than 7680x4320");
}

}  // namespace
}  // namespace antcdn::media
