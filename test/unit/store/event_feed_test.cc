#include "store/event_feed.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "unit/store/records.h"

namespace antcdn::store {
namespace {

using namespace std::chrono_literals;

// Records what the feed hands it; a test waits for a number of events.
class Recorder final : public FeedSubscriber {
 public:
  bool on_event(const EventRecord& e) override {
    std::lock_guard lock(mutex_);
    types_.push_back(e.type);
    changed_.notify_all();
    return true;
  }
  bool on_keepalive() override { return true; }
  void on_close() override {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  std::vector<std::string> wait_for(size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 20s, [&] { return types_.size() >= n; });
    return types_;
  }
  bool closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> types_;
  bool closed_ = false;
};

class EventFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = sqlite::SqliteStore::open(dir_.file("db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }
  void set_state(const std::string& id, media::StreamState state) {
    ASSERT_TRUE(store_
                    ->update(id,
                             [&](StreamRecord& s) {
                               s.state = state;
                               return Status{};
                             })
                    .ok());
  }
  antcdn::test::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

TEST_F(EventFeedTest, NewEventsOfTheStreamOnly) {
  StreamRecord mine = test::make_stream("k", "mine");
  StreamRecord other = test::make_stream("k", "other");
  ASSERT_TRUE(store_->create(mine).ok());
  ASSERT_TRUE(store_->create(other).ok());
  EventFeed feed(store_->webhooks(), 20ms, 1h);
  feed.start();
  auto rec = std::make_shared<Recorder>();
  auto head = store_->webhooks().last_event_seq();
  feed.subscribe({.stream_id = mine.stream_id, .after_seq = *head}, rec);
  set_state(other.stream_id, media::StreamState::Connecting);
  set_state(mine.stream_id, media::StreamState::Connecting);
  set_state(mine.stream_id, media::StreamState::Live);
  EXPECT_EQ(rec->wait_for(2),
            (std::vector<std::string>{"live_stream.connecting", "live_stream.live"}));
  feed.stop();
  EXPECT_TRUE(rec->closed());
}

TEST_F(EventFeedTest, ResumesAfterTheLastEventSeenByEdgeId) {
  StreamRecord s = test::make_stream("k", "s");
  ASSERT_TRUE(store_->create(s).ok());
  set_state(s.stream_id, media::StreamState::Connecting);
  set_state(s.stream_id, media::StreamState::Live);
  auto events = store_->webhooks().events_after(s.stream_id, 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3U);
  EventFeed feed(store_->webhooks(), 20ms, 1h);
  feed.start();
  auto rec = std::make_shared<Recorder>();
  feed.subscribe({.edge_id = s.edge_id, .after_event_id = events->front().event_id}, rec);
  EXPECT_EQ(rec->wait_for(2),
            (std::vector<std::string>{"live_stream.connecting", "live_stream.live"}));
  set_state(s.stream_id, media::StreamState::Ended);
  EXPECT_EQ(rec->wait_for(3).back(), "live_stream.ended");
}

TEST_F(EventFeedTest, SubscribersThatLeftAreDropped) {
  // Counts keep-alives; `alive` says whether its client is still there.
  class Counter final : public FeedSubscriber {
   public:
    explicit Counter(bool alive) : alive_(alive) {}
    bool on_event(const EventRecord&) override { return alive_; }
    bool on_keepalive() override {
      std::lock_guard lock(mutex_);
      ++calls_;
      changed_.notify_all();
      return alive_;
    }
    void on_close() override {}
    int wait_for(int n) {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, 20s, [&] { return calls_ >= n; });
      return calls_;
    }

   private:
    const bool alive_;
    std::mutex mutex_;
    std::condition_variable changed_;
    int calls_ = 0;
  };
  EventFeed feed(store_->webhooks(), 10ms, 10ms);
  auto gone = std::make_shared<Counter>(false);
  auto here = std::make_shared<Counter>(true);
  feed.subscribe({.stream_id = "ls_x"}, gone);
  feed.subscribe({.stream_id = "ls_y"}, here);
  feed.start();
  EXPECT_GE(here->wait_for(3), 3);
  feed.stop();
  EXPECT_EQ(gone->wait_for(1), 1);  // asked once, then dropped
}

}  // namespace
}  // namespace antcdn::store
