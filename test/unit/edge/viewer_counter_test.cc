#include "edge/viewer_counter.h"

#include <gtest/gtest.h>

namespace antcdn::edge {
namespace {

constexpr int64_t kT = 1'700'000'000'000;

TEST(ViewerCounterTest, CountsDistinctClientsPerStream) {
  ViewerCounter v({}, 42);
  uint64_t a = v.client_id("10.0.0.1", "Safari");
  uint64_t b = v.client_id("10.0.0.1", "Firefox");  // same address, other browser
  uint64_t c = v.client_id("10.0.0.2", "Safari");
  v.record("le_one", a, kT);
  v.record("le_one", a, kT + 2000);  // the same client again
  v.record("le_one", b, kT + 2100);
  v.record("le_two", c, kT + 2200);
  auto counts = v.counts(kT + 3000);
  EXPECT_EQ(counts.at("le_one"), 2);
  EXPECT_EQ(counts.at("le_two"), 1);
  EXPECT_EQ(counts.size(), 2U);
}

TEST(ViewerCounterTest, ClientsLeaveAfterTheWindow) {
  ViewerCounter v({.window_ms = 10000}, 42);
  v.record("le_one", 1, kT);
  v.record("le_one", 2, kT + 5000);
  EXPECT_EQ(v.counts(kT + 10000).at("le_one"), 2);
  EXPECT_EQ(v.counts(kT + 10001).at("le_one"), 1);
  // A stream without viewers is left out.
  EXPECT_TRUE(v.counts(kT + 15001).empty());
}

TEST(ViewerCounterTest, ClientIdsHideTheAddressAndDependOnTheSalt) {
  ViewerCounter one({}, 1);
  ViewerCounter two({}, 2);
  EXPECT_EQ(one.client_id("10.0.0.1", "ua"), one.client_id("10.0.0.1", "ua"));
  EXPECT_NE(one.client_id("10.0.0.1", "ua"), two.client_id("10.0.0.1", "ua"));
  EXPECT_NE(one.client_id("10.0.0.1", "ua"), one.client_id("10.0.0.1", "ub"));
  // Address and User-Agent are separated: moving a character across differs.
  EXPECT_NE(one.client_id("10.0.0.1", "1ua"), one.client_id("10.0.0.11", "ua"));
}

TEST(ViewerCounterTest, ClientsPerStreamAreCapped) {
  ViewerCounter v({.window_ms = 10000, .max_clients_per_stream = 3}, 42);
  for (uint64_t c = 1; c <= 10; ++c) {
    v.record("le_one", c, kT);
  }
  EXPECT_EQ(v.counts(kT + 1).at("le_one"), 3);
  // Once some leave (window passed), new ones are counted again.
  v.record("le_one", 11, kT + 10001);
  EXPECT_EQ(v.counts(kT + 10001).at("le_one"), 1);
}

TEST(ViewerCounterTest, StreamsAreCapped) {
  ViewerCounter v({.window_ms = 10000, .max_streams = 2}, 42);
  v.record("le_a", 1, kT);
  v.record("le_b", 1, kT);
  v.record("le_c", 1, kT);  // refused: two streams with viewers already
  EXPECT_EQ(v.counts(kT + 1).size(), 2U);
  v.record("le_c", 1, kT + 10001);  // the others expired: room again
  auto counts = v.counts(kT + 10001);
  EXPECT_EQ(counts.size(), 1U);
  EXPECT_EQ(counts.at("le_c"), 1);
}

}  // namespace
}  // namespace antcdn::edge
