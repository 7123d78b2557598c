#include "ingest/rtmp/auth_limiter.h"

#include <string>

#include <gtest/gtest.h>

namespace antcdn::ingest::rtmp {
namespace {

constexpr int64_t kMinute = 60000;
constexpr int64_t kT0 = 1'700'000'000'000;  // a realistic wall clock

TEST(AuthLimiter, AllowsUpToMaxFailuresPerWindow) {
  AuthLimiter limiter(10, kMinute);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.allowed("127.0.0.1", kT0 + i)) << "attempt " << i + 1;
    limiter.record_failure("127.0.0.1", kT0 + i);
  }
  EXPECT_FALSE(limiter.allowed("127.0.0.1", kT0 + 10));
  EXPECT_FALSE(limiter.allowed("127.0.0.1", kT0 + kMinute - 1)) << "for the rest of the minute";
}

TEST(AuthLimiter, AddressesAreIndependent) {
  AuthLimiter limiter(2, kMinute);
  limiter.record_failure("10.0.0.1", kT0);
  limiter.record_failure("10.0.0.1", kT0);
  EXPECT_FALSE(limiter.allowed("10.0.0.1", kT0));
  EXPECT_TRUE(limiter.allowed("10.0.0.2", kT0));
  EXPECT_TRUE(limiter.allowed("::1", kT0));
  limiter.record_failure("10.0.0.2", kT0);
  EXPECT_TRUE(limiter.allowed("10.0.0.2", kT0));
}

TEST(AuthLimiter, WindowStartsAtTheFirstFailureAndDoesNotSlide) {
  AuthLimiter limiter(3, kMinute);
  limiter.record_failure("a", kT0);
  limiter.record_failure("a", kT0 + 30000);
  limiter.record_failure("a", kT0 + 59000);
  EXPECT_FALSE(limiter.allowed("a", kT0 + 59999));
  // A fixed window from the first failure: free again one minute after it, even
  // though the last failure was a second ago.
  EXPECT_TRUE(limiter.allowed("a", kT0 + kMinute));
}

TEST(AuthLimiter, ANewWindowResetsTheCount) {
  AuthLimiter limiter(3, kMinute);
  for (int i = 0; i < 3; ++i) {
    limiter.record_failure("a", kT0);
  }
  ASSERT_FALSE(limiter.allowed("a", kT0));
  int64_t later = kT0 + kMinute + 5;
  ASSERT_TRUE(limiter.allowed("a", later));
  // The first failure of the new window counts as one, not as four.
  limiter.record_failure("a", later);
  limiter.record_failure("a", later);
  EXPECT_TRUE(limiter.allowed("a", later));
  limiter.record_failure("a", later);
  EXPECT_FALSE(limiter.allowed("a", later));
  EXPECT_FALSE(limiter.allowed("a", later + kMinute - 1));
  EXPECT_TRUE(limiter.allowed("a", later + kMinute));
}

TEST(AuthLimiter, WindowLengthIsConfigurable) {
  AuthLimiter limiter(1, 1000);
  limiter.record_failure("a", kT0);
  EXPECT_FALSE(limiter.allowed("a", kT0 + 999));
  EXPECT_TRUE(limiter.allowed("a", kT0 + 1000));
}

TEST(AuthLimiter, FullMapDropsExpiredEntriesFirst) {
  AuthLimiter limiter(1, 1000, 3);
  limiter.record_failure("old1", kT0);
  limiter.record_failure("old2", kT0);
  limiter.record_failure("fresh", kT0 + 1500);
  // Full (3 tracked): the next address prunes the two expired entries only.
  limiter.record_failure("new", kT0 + 1600);
  EXPECT_FALSE(limiter.allowed("fresh", kT0 + 1600)) << "a live entry survives the prune";
  EXPECT_FALSE(limiter.allowed("new", kT0 + 1600));
}

TEST(AuthLimiter, MapStaysBoundedUnderAFloodOfAddresses) {
  AuthLimiter limiter(1, kMinute, 4);
  for (const char* a : {"a", "b", "c", "d"}) {
    limiter.record_failure(a, kT0);
  }
  for (const char* a : {"a", "b", "c", "d"}) {
    ASSERT_FALSE(limiter.allowed(a, kT0)) << a;
  }
  // Full of fresh entries: rather than grow, the limiter forgets them all.
  limiter.record_failure("e", kT0);
  EXPECT_FALSE(limiter.allowed("e", kT0));
  for (const char* a : {"a", "b", "c", "d"}) {
    EXPECT_TRUE(limiter.allowed(a, kT0)) << a << " was forgotten";
  }
  // A flood of distinct addresses: the map is cleared rather than grown, and
  // the address that failed last is still counted.
  for (int i = 0; i < 10000; ++i) {
    limiter.record_failure("flood-" + std::to_string(i), kT0 + 1);
  }
  EXPECT_FALSE(limiter.allowed("flood-9999", kT0 + 1));
}

TEST(AuthLimiter, RepeatedFailuresFromOneAddressTakeOneEntry) {
  // Room for three addresses; if every failure took an entry, the map would
  // fill up and be cleared, and "x" would be let through again.
  AuthLimiter limiter(2, kMinute, 3);
  limiter.record_failure("x", kT0);
  limiter.record_failure("x", kT0);
  for (int i = 0; i < 100; ++i) {
    limiter.record_failure("y", kT0);
  }
  EXPECT_FALSE(limiter.allowed("x", kT0));
  EXPECT_FALSE(limiter.allowed("y", kT0));
}

}  // namespace
}  // namespace antcdn::ingest::rtmp
