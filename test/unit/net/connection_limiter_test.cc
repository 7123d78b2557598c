#include "net/connection_limiter.h"

#include <memory>
#include <vector>

#include <gtest/gtest.h>

namespace antcdn::net {
namespace {

using Refusal = ConnectionLimiter::Refusal;

TEST(ConnectionLimiterTest, RefusesTheAddressPastItsCapAndNoOtherAddress) {
  ConnectionLimiter limiter({.max_total = 100, .max_per_address = 2});
  auto a1 = limiter.admit("10.0.0.1");
  auto a2 = limiter.admit("10.0.0.1");
  ASSERT_TRUE(a1.admitted());
  ASSERT_TRUE(a2.admitted());
  auto a3 = limiter.admit("10.0.0.1");
  EXPECT_FALSE(a3.admitted());
  EXPECT_EQ(a3.refusal, Refusal::PerAddress);
  EXPECT_FALSE(a3.ticket.valid());
  EXPECT_TRUE(limiter.admit("10.0.0.2").admitted());
  EXPECT_EQ(limiter.count("10.0.0.1"), 2U);
}

TEST(ConnectionLimiterTest, TheTotalCapCountsEveryAddress) {
  ConnectionLimiter limiter({.max_total = 3, .max_per_address = 0});
  std::vector<ConnectionLimiter::Ticket> held;
  for (const char* address : {"a", "b", "c"}) {
    auto admission = limiter.admit(address);
    ASSERT_TRUE(admission.admitted());
    held.push_back(std::move(admission.ticket));
  }
  auto refused = limiter.admit("d");
  EXPECT_EQ(refused.refusal, Refusal::Total);
  EXPECT_EQ(limiter.total(), 3U);
  EXPECT_EQ(limiter.count("d"), 0U);
}

TEST(ConnectionLimiterTest, ZeroMeansNoCap) {
  ConnectionLimiter limiter({});
  std::vector<ConnectionLimiter::Ticket> held;
  for (int i = 0; i < 1000; ++i) {
    auto admission = limiter.admit("one host");
    ASSERT_TRUE(admission.admitted());
    held.push_back(std::move(admission.ticket));
  }
  EXPECT_EQ(limiter.count("one host"), 1000U);
}

TEST(ConnectionLimiterTest, ATicketGivesItsSlotBackWhenItEnds) {
  ConnectionLimiter limiter({.max_total = 10, .max_per_address = 1});
  {
    auto first = limiter.admit("10.0.0.1");
    ASSERT_TRUE(first.admitted());
    EXPECT_FALSE(limiter.admit("10.0.0.1").admitted());
  }
  EXPECT_EQ(limiter.total(), 0U);
  EXPECT_EQ(limiter.count("10.0.0.1"), 0U);
  auto again = limiter.admit("10.0.0.1");
  EXPECT_TRUE(again.admitted());
  again.ticket.reset();
  EXPECT_EQ(limiter.total(), 0U);
  again.ticket.reset();  // a second reset gives back nothing more
  EXPECT_EQ(limiter.total(), 0U);
}

TEST(ConnectionLimiterTest, MovingATicketKeepsOneSlot) {
  ConnectionLimiter limiter({.max_total = 10, .max_per_address = 5});
  auto admission = limiter.admit("h");
  ConnectionLimiter::Ticket moved = std::move(admission.ticket);
  EXPECT_EQ(limiter.total(), 1U);
  ConnectionLimiter::Ticket other = std::move(limiter.admit("h").ticket);
  other = std::move(moved);  // releases the slot `other` held
  EXPECT_EQ(limiter.total(), 1U);
  EXPECT_EQ(limiter.count("h"), 1U);
}

TEST(ConnectionLimiterTest, ATicketOutlivingItsLimiterIsHarmless) {
  auto limiter = std::make_unique<ConnectionLimiter>(ConnectionLimits{.max_total = 1});
  auto admission = limiter->admit("h");
  limiter.reset();
  admission.ticket.reset();
  EXPECT_FALSE(admission.ticket.valid());
}

}  // namespace
}  // namespace antcdn::net
