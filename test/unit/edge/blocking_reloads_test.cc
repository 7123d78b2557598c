#include "edge/blocking_reloads.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

#include <gtest/gtest.h>

#include "format/hls/media_playlist.h"

namespace antcdn::edge {
namespace {

using namespace std::chrono_literals;

// A low-latency playlist with `whole` segments and `parts` parts of the next.
storage::ObjectPtr playlist(int whole, int parts, bool ended = false) {
  format::hls::MediaPlaylist p;
  p.target_duration_s = 2;
  for (int i = 0; i < whole; ++i) {
    p.segments.push_back(format::hls::SegmentRecord{
        .uri = "s-" + std::to_string(i) + ".m4s", .duration_s = 2, .init_uri = "init-s.mp4"});
  }
  format::hls::LowLatency ll;
  for (int k = 0; k < parts; ++k) {
    ll.partial.parts.push_back(format::hls::PartRecord{
        .uri = "s-" + std::to_string(whole) + "." + std::to_string(k) + ".m4s", .duration_s = 0.5});
  }
  p.low_latency = ll;
  p.ended = ended;
  return storage::make_object(to_bytes(*format::hls::write_media_playlist(p)), {});
}

struct Answers {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Result<storage::ObjectPtr>> got;
  BlockingReloads::Answer add() {
    return [this](Result<storage::ObjectPtr> r) {
      std::lock_guard lock(mutex);
      got.push_back(std::move(r));
      arrived.notify_all();
    };
  }
  // Answers to offers come from the poll thread: waits for the n-th.
  bool wait_for(size_t n) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, 5s, [&] { return got.size() >= n; });
  }
  size_t size() {
    std::lock_guard lock(mutex);
    return got.size();
  }
};

TEST(BlockingReloadsTest, AnOfferThatHoldsThePartAnswersItsWaitersOnly) {
  BlockingReloads reloads({.poll_interval = 1h});
  Answers a;
  Answers b;
  auto v1 = playlist(2, 1);
  reloads.wait("k", v1, {.msn = 2, .part = 1}, 10s, a.add());
  reloads.wait("k", v1, {.msn = 3, .part = 0}, 10s, b.add());
  EXPECT_EQ(reloads.waiting(), 2u);
  reloads.offer("other", playlist(9, 0));
  reloads.offer("k", playlist(2, 1));  // not newer
  EXPECT_EQ(a.size(), 0u);
  auto v2 = playlist(2, 2);
  reloads.offer("k", v2);
  ASSERT_TRUE(a.wait_for(1));
  ASSERT_TRUE(a.got[0].ok());
  EXPECT_EQ(*a.got[0], v2);
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(reloads.waiting(), 1u);
  reloads.offer("k", playlist(3, 0, true));  // the end answers everyone
  EXPECT_TRUE(b.wait_for(1));
  EXPECT_EQ(reloads.waiting(), 0u);
}

// The edge reads the playlist from the cache, then waits: a publish between
// the two offers the new version before anyone waits for it.
TEST(BlockingReloadsTest, AVersionOfferedBeforeTheWaitIsNotLost) {
  BlockingReloads reloads({.poll_interval = 1h});
  Answers a;
  auto read_by_viewer = playlist(2, 1);
  auto published = playlist(2, 2);
  reloads.offer("k", published);
  reloads.wait("k", read_by_viewer, {.msn = 2, .part = 1}, 10s, a.add());
  ASSERT_EQ(a.size(), 1u);
  ASSERT_TRUE(a.got[0].ok());
  EXPECT_EQ(*a.got[0], published);
  EXPECT_EQ(reloads.waiting(), 0u);
}

// What is kept for those late waits must not outlive the stream's end.
TEST(BlockingReloadsTest, AStreamThatEndedAndStartedAgainIsFollowed) {
  BlockingReloads reloads({.poll_interval = 1h});
  Answers a;
  reloads.offer("k", playlist(5, 0, true));
  auto again = playlist(7, 1);  // a new session goes on after a discontinuity
  reloads.offer("k", again);
  reloads.wait("k", again, {.msn = 7, .part = 1}, 10s, a.add());
  EXPECT_EQ(a.size(), 0u);  // not answered with the ended version
  auto next = playlist(7, 2);
  reloads.offer("k", next);
  ASSERT_TRUE(a.wait_for(1));
  ASSERT_TRUE(a.got[0].ok());
  EXPECT_EQ(*a.got[0], next);
}

TEST(BlockingReloadsTest, AWaitIsAnsweredAtOnceByANewerVersionAlreadyKnown) {
  BlockingReloads reloads({.poll_interval = 1h});
  Answers a;
  Answers b;
  reloads.wait("k", playlist(2, 0), {.msn = 2, .part = 3}, 10s, a.add());
  reloads.offer("k", playlist(2, 2));
  EXPECT_EQ(a.size(), 0u);
  // A second viewer read an older copy, but the edge knows part 1 is there.
  reloads.wait("k", playlist(2, 0), {.msn = 2, .part = 1}, 10s, b.add());
  EXPECT_EQ(b.size(), 1u);
}

TEST(BlockingReloadsTest, PollsTheOriginAndExpiresHolds) {
  std::atomic<int> reads{0};
  std::atomic<int> parts{0};
  BlockingReloads reloads({.poll_interval = 5ms,
                           .read_fresh = [&](const std::string& key,
                                             std::function<void(Result<storage::ObjectPtr>)> done) {
                             EXPECT_EQ(key, "k");
                             ++reads;
                             done(playlist(1, parts.load()));
                           }});
  std::promise<void> answered;
  std::promise<Result<storage::ObjectPtr>> expired;
  reloads.wait("k", playlist(1, 0), {.msn = 1, .part = 1}, 10s, [&](Result<storage::ObjectPtr> r) {
    EXPECT_TRUE(r.ok());
    answered.set_value();
  });
  reloads.wait("k", playlist(1, 0), {.msn = 2}, 20ms,
               [&](Result<storage::ObjectPtr> r) { expired.set_value(std::move(r)); });
  parts = 2;  // another node wrote parts 0 and 1: only the poll can see them
  ASSERT_EQ(answered.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_GE(reads.load(), 1);
  auto gone = expired.get_future();
  ASSERT_EQ(gone.wait_for(5s), std::future_status::ready);
  auto result = gone.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Code::Unavailable);
}

TEST(BlockingReloadsTest, StoppingAnswersEveryWaiter) {
  Answers a;
  {
    BlockingReloads reloads({.poll_interval = 1h});
    reloads.wait("k", playlist(1, 0), {.msn = 1, .part = 0}, 10s, a.add());
  }
  ASSERT_EQ(a.size(), 1u);
  EXPECT_FALSE(a.got[0].ok());
}

}  // namespace
}  // namespace antcdn::edge
