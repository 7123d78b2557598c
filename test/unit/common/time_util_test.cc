#include "common/time_util.h"

#include <gtest/gtest.h>

namespace antcdn {
namespace {

TEST(TimeUtil, FormatsRfc3339Utc) {
  EXPECT_EQ(rfc3339_seconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_seconds(1773568800999), "2026-03-15T10:00:00Z");
  EXPECT_EQ(rfc3339_millis(1773568800123), "2026-03-15T10:00:00.123Z");
}

}  // namespace
}  // namespace antcdn
