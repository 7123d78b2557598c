#include "thumbnail/render_cache.h"

#include <vector>

#include <gtest/gtest.h>

namespace antcdn::thumbnail {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Answers {
  std::vector<Result<Jpeg>> got;
  ThumbnailCallback callback() {
    return [this](Result<Jpeg> r) { got.push_back(std::move(r)); };
  }
};

Jpeg image(std::string_view text) {
  return std::make_shared<const Bytes>(to_bytes(text));
}

struct CacheTest : ::testing::Test {
  Clock::time_point now{};
  RenderCache cache{RenderCacheOptions{
      .ttl = 2000ms, .max_entries = 3, .max_in_flight = 2, .now = [this] { return now; }}};
};

TEST_F(CacheTest, OneRenderPerKeyAndWaitersShareIt) {
  Answers a;
  Answers b;
  EXPECT_TRUE(cache.join("k", a.callback()));
  EXPECT_FALSE(cache.join("k", b.callback()));
  EXPECT_TRUE(a.got.empty());
  cache.finish("k", image("jpeg"));
  ASSERT_EQ(a.got.size(), 1u);
  ASSERT_EQ(b.got.size(), 1u);
  ASSERT_TRUE(b.got[0].ok());
  EXPECT_EQ(*a.got[0], *b.got[0]);  // the same bytes, shared
}

TEST_F(CacheTest, AnswersFromMemoryUntilTheTtlRunsOut) {
  Answers first;
  ASSERT_TRUE(cache.join("k", first.callback()));
  cache.finish("k", image("jpeg"));
  now += 1999ms;
  Answers hit;
  EXPECT_FALSE(cache.join("k", hit.callback()));
  ASSERT_EQ(hit.got.size(), 1u);
  EXPECT_EQ(as_chars(**hit.got[0]), "jpeg");
  now += 1ms;
  Answers expired;
  EXPECT_TRUE(cache.join("k", expired.callback()));
  EXPECT_TRUE(expired.got.empty());
}

TEST_F(CacheTest, KeepsNotFoundButNotOtherErrors) {
  Answers a;
  ASSERT_TRUE(cache.join("missing", a.callback()));
  cache.finish("missing", make_error(Code::NotFound, "no playlist"));
  Answers again;
  EXPECT_FALSE(cache.join("missing", again.callback()));
  ASSERT_EQ(again.got.size(), 1u);
  EXPECT_EQ(again.got[0].error().code, Code::NotFound);

  Answers b;
  ASSERT_TRUE(cache.join("flaky", b.callback()));
  cache.finish("flaky", make_error(Code::Unavailable, "storage"));
  Answers retry;
  EXPECT_TRUE(cache.join("flaky", retry.callback()));
}

TEST_F(CacheTest, TooManyRendersInFlightAreRefused) {
  Answers a;
  Answers b;
  Answers c;
  ASSERT_TRUE(cache.join("w160", a.callback()));
  ASSERT_TRUE(cache.join("w320", b.callback()));
  EXPECT_FALSE(cache.join("w480", c.callback()));
  ASSERT_EQ(c.got.size(), 1u);
  EXPECT_EQ(c.got[0].error().code, Code::ResourceExhausted);
  cache.finish("w160", image("x"));
  Answers d;
  EXPECT_TRUE(cache.join("w480", d.callback()));  // room again
}

TEST_F(CacheTest, KeepsAtMostMaxEntriesDroppingTheSoonestToExpire) {
  for (std::string key : {"a", "b", "c", "d"}) {
    Answers x;
    ASSERT_TRUE(cache.join(key, x.callback()));
    cache.finish(key, image(key));
    now += 10ms;
  }
  EXPECT_EQ(cache.entries_for_test(), 3u);
  Answers a;
  EXPECT_TRUE(cache.join("a", a.callback()));  // "a" was the one dropped
  Answers d;
  EXPECT_FALSE(cache.join("d", d.callback()));
}

TEST(RenderCacheBytes, KeepsAtMostMaxBytesOfJpegs) {
  RenderCache cache(RenderCacheOptions{.max_entries = 100, .max_bytes = 10});
  for (std::string key : {"a", "b", "c"}) {
    Answers x;
    ASSERT_TRUE(cache.join(key, x.callback()));
    cache.finish(key, image("1234"));  // 4 bytes each: the third pushes one out
  }
  EXPECT_EQ(cache.entries_for_test(), 2u);
  EXPECT_EQ(cache.bytes_for_test(), 8u);
  Answers big;
  ASSERT_TRUE(cache.join("big", big.callback()));
  cache.finish("big", image("0123456789ab"));  // larger than the whole budget
  ASSERT_EQ(big.got.size(), 1u);
  EXPECT_TRUE(big.got[0].ok());           // answered...
  EXPECT_EQ(cache.bytes_for_test(), 8u);  // ...not kept
  Answers again;
  ASSERT_TRUE(cache.join("a", again.callback()));
  cache.finish("a", image("12"));  // replacing counts the new size only
  EXPECT_LE(cache.bytes_for_test(), 10u);
}

}  // namespace
}  // namespace antcdn::thumbnail
