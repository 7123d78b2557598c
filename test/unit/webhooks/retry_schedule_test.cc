#include "webhooks/retry_schedule.h"

#include <gtest/gtest.h>

namespace antcdn::webhooks {
namespace {

constexpr int64_t kEvent = 1'700'000'000'000;

TEST(RetrySchedule, DoublesWithinTheUpperHalf) {
  EXPECT_EQ(next_attempt_at(1, kEvent, kEvent, 0.0), kEvent + 500);
  EXPECT_EQ(next_attempt_at(1, kEvent, kEvent, 0.999999), kEvent + 999);
  EXPECT_EQ(next_attempt_at(2, kEvent, kEvent, 0.0), kEvent + 1000);
  EXPECT_EQ(next_attempt_at(5, kEvent, kEvent, 0.0), kEvent + 8000);
}

TEST(RetrySchedule, CapsAtAnHour) {
  EXPECT_EQ(next_attempt_at(30, kEvent, kEvent, 0.0), kEvent + 1'800'000);
  EXPECT_EQ(next_attempt_at(1000, kEvent, kEvent, 0.999999), kEvent + 3'599'998);
}

TEST(RetrySchedule, GivesUpAfterADay) {
  int64_t late = kEvent + 24 * 3'600'000 - 1000;
  EXPECT_TRUE(next_attempt_at(20, kEvent, late - 3'600'000, 0.5).has_value());
  EXPECT_FALSE(next_attempt_at(20, kEvent, late, 0.5).has_value());
}

}  // namespace
}  // namespace antcdn::webhooks
