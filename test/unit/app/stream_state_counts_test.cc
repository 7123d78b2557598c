#include "app/stream_state_counts.h"

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace antcdn::app {
namespace {

using namespace std::chrono_literals;
using media::StreamState;

TEST(StreamStateCounts, AnswersWhatTheQueryReturns) {
  net::BlockingPool pool("test", 1);
  StreamStateCounts counts([] { return StreamStateCounts::Counts{{StreamState::Live, 2}}; }, pool);
  auto got = counts.get(10s);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (StreamStateCounts::Counts{{StreamState::Live, 2}}));
}

TEST(StreamStateCounts, AHungQueryCostsEachScrapeItsWaitAndRunsOnce) {
  net::BlockingPool pool("test", 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> queries{0};
  StreamStateCounts counts(
      [&, released]() -> Result<StreamStateCounts::Counts> {
        ++queries;
        released.wait();
        return StreamStateCounts::Counts{{StreamState::Idle, 7}};
      },
      pool);
  for (int scrape = 0; scrape < 3; ++scrape) {
    auto got = counts.get(20ms);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, Code::Unavailable);
  }
  EXPECT_LE(queries.load(), 1) << "the scrapes waited for the one query in flight";
  release.set_value();
  auto got = counts.get(10s);  // the first query's answer, or a fresh one's
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->at(StreamState::Idle), 7);
}

TEST(StreamStateCounts, ADatabaseErrorIsPassedOn) {
  net::BlockingPool pool("test", 1);
  StreamStateCounts counts(
      []() -> Result<StreamStateCounts::Counts> {
        return make_error(Code::Unavailable, "database does not answer");
      },
      pool);
  auto got = counts.get(10s);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "database does not answer");
}

}  // namespace
}  // namespace antcdn::app
