#include "storage/write_queue.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/memory_store.h"

namespace antcdn::storage {
namespace {

using namespace std::chrono_literals;

// Records every call; fails the first `failures` calls; can hold the worker
// inside a call until released, so tests can fill the queue deterministically.
class FlakyStore final : public ObjectStore {
 public:
  Status put(const std::string& key, const ObjectPtr& object) override {
    {
      std::lock_guard lock(mutex_);
      objects_.push_back(object.get());
    }
    if (auto s = enter("put " + key); !s.ok()) {
      return s;
    }
    return inner.put(key, object);
  }
  Result<ObjectPtr> get(const std::string& key) override { return inner.get(key); }
  Status remove(const std::string& key) override {
    if (auto s = enter("remove " + key); !s.ok()) {
      return s;
    }
    return inner.remove(key);
  }
  Status remove_prefix(const std::string& prefix) override {
    if (auto s = enter("remove_prefix " + prefix); !s.ok()) {
      return s;
    }
    return inner.remove_prefix(prefix);
  }

  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    cv_.notify_all();
  }
  // Waits until the worker is blocked inside a call.
  void wait_until_entered() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return waiting_; });
  }
  std::vector<std::string> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  // The object of every put attempt.
  std::vector<const StoredObject*> objects() {
    std::lock_guard lock(mutex_);
    return objects_;
  }

  MemoryStore inner;
  std::atomic<int> failures{0};
  Code failure_code = Code::Unavailable;
  std::atomic<bool> fail_only_puts{false};

 private:
  Status enter(const std::string& call) {
    std::unique_lock lock(mutex_);
    calls_.push_back(call);
    waiting_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
    waiting_ = false;
    if (failures > 0 && (!fail_only_puts || call.starts_with("put "))) {
      --failures;
      return make_error(failure_code, "injected failure");
    }
    return {};
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  bool held_ = false;
  bool waiting_ = false;
  std::vector<std::string> calls_;
  std::vector<const StoredObject*> objects_;
};

// One worker: these tests hold "the" worker inside a call.
WriteQueueOptions fast_options() {
  WriteQueueOptions o;
  o.workers = 1;
  o.max_queued_bytes = 1 << 20;
  o.max_attempts = 4;
  o.outage_retry = 0ms;
  o.initial_backoff = 1ms;
  o.max_backoff = 4ms;
  return o;
}

TEST(WriteQueueTest, RunsJobsInSubmissionOrder) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  ASSERT_TRUE(queue.put("a/1.m4s", make_object(to_bytes("1"))).ok());
  ASSERT_TRUE(queue.put("a/index.m3u8", make_object(to_bytes("p"))).ok());
  ASSERT_TRUE(queue.remove("a/1.m4s").ok());
  ASSERT_TRUE(queue.put("b/x", make_object(to_bytes("x"))).ok());
  ASSERT_TRUE(queue.remove_prefix("a/").ok());
  queue.flush();
  // In order within a stream; streams take turns, so b/x may come anywhere.
  auto calls = store.calls();
  std::erase(calls, "put b/x");
  EXPECT_EQ(calls, (std::vector<std::string>{"put a/1.m4s", "put a/index.m3u8", "remove a/1.m4s",
                                             "remove_prefix a/"}));
  EXPECT_EQ(store.calls().size(), 5u);
  EXPECT_EQ(store.inner.keys(), std::vector<std::string>{"b/x"});
  EXPECT_EQ(queue.queued_bytes(), 0u);
  EXPECT_EQ(queue.stats().completed_jobs, 5u);
}

TEST(WriteQueueTest, CallbacksRunOnceOnTheWorkerInOrder) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  std::vector<int> order;  // touched only by the worker until flush() returns
  std::thread::id worker;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(queue
                    .put("k" + std::to_string(i), make_object(to_bytes("v")),
                         [&, i](Status s) {
                           EXPECT_TRUE(s.ok());
                           order.push_back(i);
                           worker = std::this_thread::get_id();
                         })
                    .ok());
  }
  queue.flush();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(worker, std::this_thread::get_id());
}

TEST(WriteQueueTest, RetriesUntilTheStoreRecovers) {
  FlakyStore store;
  store.failures = 3;  // max_attempts is 4
  WriteQueue queue(store, fast_options());
  std::optional<Status> result;
  ASSERT_TRUE(
      queue.put("a/index.m3u8", make_object(to_bytes("playlist")), [&](Status s) { result = s; })
          .ok());
  queue.flush();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(store.calls().size(), 4u);
  auto got = store.inner.get("a/index.m3u8");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(as_chars((*got)->data), "playlist") << "every attempt sends the full payload";
  auto objects = store.objects();
  ASSERT_EQ(objects.size(), 4u);
  EXPECT_TRUE(std::all_of(objects.begin(), objects.end(), [&](const StoredObject* o) {
    return o == got->get();
  })) << "every attempt shares the one object, none copies it";
  EXPECT_EQ(queue.stats().retries, 3u);
  EXPECT_EQ(queue.failed_jobs(), 0u);
}

TEST(WriteQueueTest, FinalFailureIsReportedAndCountedAndLaterJobsStillRun) {
  FlakyStore store;
  store.failures = 4;
  WriteQueue queue(store, fast_options());
  std::optional<Status> first;
  std::optional<Status> second;
  ASSERT_TRUE(queue.put("a", make_object(to_bytes("1")), [&](Status s) { first = s; }).ok());
  ASSERT_TRUE(queue.put("b", make_object(to_bytes("2")), [&](Status s) { second = s; }).ok());
  queue.flush();
  ASSERT_TRUE(first && second);
  ASSERT_FALSE(first->ok());
  EXPECT_EQ(first->error().code, Code::Unavailable);
  EXPECT_TRUE(second->ok());
  EXPECT_EQ(queue.failed_jobs(), 1u);
  EXPECT_EQ(store.calls().size(), 5u);
  EXPECT_EQ(store.inner.keys(), std::vector<std::string>{"b"});
}

TEST(WriteQueueTest, PutOutcomesAreReportedForMetrics) {
  FlakyStore store;
  store.failures = 4;  // all of the first put's attempts
  store.fail_only_puts = true;
  std::mutex mutex;
  std::vector<std::pair<std::string, bool>> outcomes;
  std::chrono::nanoseconds first_took{0};
  WriteQueueOptions o = fast_options();
  o.on_put_done = [&](std::string_view key, std::chrono::nanoseconds took, bool stored) {
    std::lock_guard lock(mutex);
    outcomes.emplace_back(key, stored);
    first_took = outcomes.size() == 1 ? took : first_took;
  };
  WriteQueue queue(store, o);
  ASSERT_TRUE(queue.put("a/s-1.m4s", make_object(to_bytes("1"))).ok());
  ASSERT_TRUE(queue.put("a/s-2.m4s", make_object(to_bytes("2"))).ok());
  ASSERT_TRUE(queue.remove("a/s-0.m4s").ok());
  queue.flush();
  std::lock_guard lock(mutex);
  EXPECT_EQ(outcomes,
            (std::vector<std::pair<std::string, bool>>{{"a/s-1.m4s", false}, {"a/s-2.m4s", true}}))
      << "puts only, each once, after its retries";
  EXPECT_GE(first_took, 3ms) << "the time includes the three backoffs (at least 1 ms each)";
}

// An object store that is down for a while (Unavailable) loses nothing: the
// job outlives max_attempts for as long as outage_retry allows.
TEST(WriteQueueTest, UnavailableIsRetriedThroughAnOutage) {
  FlakyStore store;
  store.failures = 20;
  WriteQueueOptions options = fast_options();
  options.outage_retry = 60s;
  WriteQueue queue(store, options);
  std::optional<Status> result;
  ASSERT_TRUE(
      queue.put("a/1.m4s", make_object(to_bytes("seg")), [&](Status s) { result = s; }).ok());
  queue.flush();
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ(store.calls().size(), 21u);
  EXPECT_EQ(store.inner.keys(), std::vector<std::string>{"a/1.m4s"});
}

TEST(WriteQueueTest, PermanentErrorsAreNotRetried) {
  FlakyStore store;
  store.failures = 1;
  store.failure_code = Code::InvalidArgument;
  WriteQueue queue(store, fast_options());
  ASSERT_TRUE(queue.remove("a").ok());
  queue.flush();
  EXPECT_EQ(store.calls().size(), 1u);
  EXPECT_EQ(queue.failed_jobs(), 1u);
}

TEST(WriteQueueTest, InvalidKeysAreRefusedAtSubmission) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  EXPECT_EQ(queue.put("../x", make_object(to_bytes("x"))).error().code, Code::InvalidArgument);
  EXPECT_EQ(queue.remove("/abs").error().code, Code::InvalidArgument);
  EXPECT_EQ(queue.remove_prefix("").error().code, Code::InvalidArgument);
  queue.flush();
  EXPECT_TRUE(store.calls().empty());
}

TEST(WriteQueueTest, OverBudgetSubmissionIsRefusedAtOnce) {
  FlakyStore store;
  WriteQueueOptions options = fast_options();
  options.max_queued_bytes = 3000;
  WriteQueue queue(store, options);
  store.hold();
  ASSERT_TRUE(queue.put("a", make_object(Bytes(1000))).ok());
  store.wait_until_entered();  // the running job still counts
  ASSERT_TRUE(queue.put("b", make_object(Bytes(1000))).ok());
  EXPECT_GE(queue.queued_bytes(), 2000u);
  std::optional<Status> never;
  auto refused = queue.put("c", make_object(Bytes(1000)), [&](Status s) { never = s; });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::ResourceExhausted);
  EXPECT_TRUE(queue.remove("tiny").ok()) << "small jobs still fit";
  store.release();
  queue.flush();
  EXPECT_FALSE(never.has_value()) << "a refused job has no callback";
  EXPECT_EQ(queue.queued_bytes(), 0u);
  EXPECT_TRUE(queue.put("c", make_object(Bytes(1000))).ok()) << "room again once drained";
}

TEST(WriteQueueTest, FlushOnAnIdleQueueReturnsAtOnce) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  queue.flush();
  queue.flush();
}

TEST(WriteQueueTest, DestructorFinishesQueuedJobs) {
  FlakyStore store;
  std::atomic<int> done{0};
  {
    WriteQueue queue(store, fast_options());
    store.failures = 1;
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(queue
                      .put("k" + std::to_string(i), make_object(to_bytes("v")),
                           [&](Status s) { done += s.ok() ? 1 : 0; })
                      .ok());
    }
  }
  EXPECT_EQ(done, 20);
  EXPECT_EQ(store.inner.size(), 20u);
}

TEST(WriteQueueTest, CallbacksMaySubmitFollowUpJobs) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  ASSERT_TRUE(queue
                  .put("a/s-1.m4s", make_object(to_bytes("seg")),
                       [&](Status s) {
                         ASSERT_TRUE(s.ok());
                         ASSERT_TRUE(queue.put("a/index.m3u8", make_object(to_bytes("pl"))).ok());
                       })
                  .ok());
  queue.flush();  // the follow-up was queued before the first job counted as done
  EXPECT_EQ(store.inner.keys(), (std::vector<std::string>{"a/index.m3u8", "a/s-1.m4s"}));
}

// Blocks puts under "slow/" until released; everything else passes at once.
class OneSlowStream final : public ObjectStore {
 public:
  Status put(const std::string& key, const ObjectPtr& /*object*/) override {
    if (key.starts_with("slow/")) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return released_; });
    }
    std::lock_guard lock(mutex_);
    order_.push_back(key);
    return {};
  }
  Result<ObjectPtr> get(const std::string&) override { return make_error(Code::NotFound, "-"); }
  Status remove(const std::string&) override { return {}; }
  Status remove_prefix(const std::string&) override { return {}; }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    cv_.notify_all();
  }
  std::vector<std::string> order() {
    std::lock_guard lock(mutex_);
    return order_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool released_ = false;
  std::vector<std::string> order_;
};

// A slow upload holds back only its own stream: others finish meanwhile, and
// each stream's jobs still land in submission order.
TEST(WriteQueueTest, StreamsUploadInParallelEachInOrder) {
  OneSlowStream store;
  WriteQueueOptions options = fast_options();
  options.workers = 4;
  WriteQueue queue(store, options);
  ASSERT_TRUE(queue.put("slow/1.m4s", make_object(to_bytes("s"))).ok());
  ASSERT_TRUE(queue.put("slow/index.m3u8", make_object(to_bytes("p"))).ok());
  std::mutex mutex;
  std::condition_variable cv;
  int finished = 0;
  for (int i = 0; i < 8; ++i) {
    std::string stream = "s" + std::to_string(i) + "/";
    ASSERT_TRUE(queue
                    .put(stream + "1.m4s", make_object(to_bytes("x")),
                         [&](Status) {
                           std::lock_guard lock(mutex);
                           ++finished;
                           cv.notify_all();
                         })
                    .ok());
  }
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return finished >= 1; });  // would hang with one FIFO
  }
  store.release();
  queue.flush();
  auto order = store.order();
  EXPECT_EQ(order.size(), 10u);
  auto at = [&](const std::string& k) { return std::find(order.begin(), order.end(), k); };
  EXPECT_LT(at("slow/1.m4s"), at("slow/index.m3u8"));
  EXPECT_NE(at("slow/1.m4s"), order.begin()) << "another stream finished first";
}

// Backoff long enough that a test finishing at all proves the wait was ended
// by an event (a deadline, a discard), not by the backoff running out.
WriteQueueOptions endless_retry_options() {
  WriteQueueOptions o = fast_options();
  o.outage_retry = std::chrono::hours(1);
  o.initial_backoff = std::chrono::hours(1);
  o.max_backoff = std::chrono::hours(1);
  return o;
}

// Puts `key` and returns once its first attempt has failed, so the job is in
// its backoff (or about to be) when the caller goes on.
void put_and_fail_once(WriteQueue& queue, FlakyStore& store, const std::string& key,
                       std::optional<Status>& result) {
  store.failures = 1000000;
  store.hold();
  ASSERT_TRUE(queue.put(key, make_object(to_bytes("seg")), [&](Status s) { result = s; }).ok());
  store.wait_until_entered();
  store.release();
}

TEST(WriteQueueTest, FlushForReturnsNothingOnceEverythingIsWritten) {
  FlakyStore store;
  store.failures = 2;
  WriteQueue queue(store, fast_options());
  ASSERT_TRUE(queue.put("a/1.m4s", make_object(to_bytes("1"))).ok());
  ASSERT_TRUE(queue.remove("a/0.m4s").ok());
  UnwrittenJobs left = queue.flush_for(std::chrono::minutes(1));
  EXPECT_EQ(left.count, 0u);
  EXPECT_TRUE(left.keys.empty());
  EXPECT_EQ(queue.stats().completed_jobs, 2u);
}

// The deadline ends a retry's backoff (an hour here) at once, drops what is
// queued behind it, and reports both; later jobs run normally.
TEST(WriteQueueTest, FlushForAbandonsRetriesAndQueuedJobsAtTheDeadline) {
  FlakyStore store;
  WriteQueue queue(store, endless_retry_options());
  std::optional<Status> running;
  put_and_fail_once(queue, store, "a/1.m4s", running);
  std::optional<Status> queued;
  ASSERT_TRUE(
      queue.put("a/index.m3u8", make_object(to_bytes("p")), [&](Status s) { queued = s; }).ok());

  UnwrittenJobs left = queue.flush_for(std::chrono::milliseconds(1));
  EXPECT_EQ(left.count, 2u);
  EXPECT_EQ(left.keys, (std::vector<std::string>{"a/1.m4s", "a/index.m3u8"}));
  ASSERT_TRUE(queued.has_value()) << "a dropped job's callback runs before flush_for returns";
  EXPECT_EQ(queued->error().code, Code::Unavailable);

  queue.flush();  // returns only because the backoff was interrupted
  ASSERT_TRUE(running.has_value());
  EXPECT_FALSE(running->ok());
  EXPECT_EQ(store.calls(), std::vector<std::string>{"put a/1.m4s"})
      << "no retry after the deadline";
  EXPECT_EQ(queue.stats().abandoned_jobs, 2u);
  EXPECT_EQ(queue.stats().failed_jobs, 0u);
  EXPECT_EQ(queue.queued_bytes(), 0u);

  store.failures = 0;
  ASSERT_TRUE(queue.put("a/2.m4s", make_object(to_bytes("2"))).ok());
  EXPECT_EQ(queue.flush_for(std::chrono::minutes(1)).count, 0u);
  EXPECT_EQ(store.inner.keys(), std::vector<std::string>{"a/2.m4s"});
}

// A node that lost a stream's lease drops that stream's queued writes and
// leaves every other stream's alone.
TEST(WriteQueueTest, DiscardDropsQueuedJobsUnderThePrefix) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  store.hold();
  ASSERT_TRUE(queue.put("b/0.m4s", make_object(to_bytes("0"))).ok());
  store.wait_until_entered();  // b/0 runs; everything below waits behind it
  std::vector<Status> discarded;
  auto note = [&](Status s) { discarded.push_back(s); };
  ASSERT_TRUE(queue.put("a/1.m4s", make_object(to_bytes("1")), note).ok());
  ASSERT_TRUE(queue.put("b/1.m4s", make_object(to_bytes("1"))).ok());
  ASSERT_TRUE(queue.put("a/index.m3u8", make_object(to_bytes("p")), note).ok());
  ASSERT_TRUE(queue.remove_prefix("a/", note).ok());
  ASSERT_TRUE(queue.put("ab/1.m4s", make_object(to_bytes("1"))).ok());

  auto dropped = queue.discard("a/");
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 3u);
  ASSERT_EQ(discarded.size(), 3u) << "callbacks run before discard returns";
  for (const Status& s : discarded) {
    EXPECT_EQ(s.error().code, Code::Conflict);
  }
  store.release();
  queue.flush();
  auto calls = store.calls();
  std::sort(calls.begin() + 1, calls.end());  // streams take turns: no order between them
  EXPECT_EQ(calls, (std::vector<std::string>{"put b/0.m4s", "put ab/1.m4s", "put b/1.m4s"}));
  EXPECT_EQ(queue.stats().abandoned_jobs, 3u);
  EXPECT_EQ(queue.queued_bytes(), 0u);
}

// The node's cache served every accepted put (on_accepted); the ones dropped
// before they ran are named (on_dropped) so it stops serving them.
TEST(WriteQueueTest, DroppedPutsAreReported) {
  FlakyStore store;
  std::vector<std::string> accepted;
  std::vector<std::string> dropped;
  WriteQueueOptions options = fast_options();
  options.on_accepted = [&](const std::string& key, const ObjectPtr&) { accepted.push_back(key); };
  options.on_dropped = [&](const std::string& key, const ObjectPtr& object) {
    dropped.push_back(key + "=" + std::string(as_chars(object->data)));
  };
  WriteQueue queue(store, options);
  store.hold();
  ASSERT_TRUE(queue.put("a/0.m4s", make_object(to_bytes("0"))).ok());
  store.wait_until_entered();  // a/0 runs; the rest waits behind it
  ASSERT_TRUE(queue.put("a/index.m3u8", make_object(to_bytes("p"))).ok());
  ASSERT_TRUE(queue.remove_prefix("a/old/").ok());
  ASSERT_TRUE(queue.discard("a/").ok());
  store.release();
  queue.flush();
  EXPECT_EQ(accepted, (std::vector<std::string>{"a/0.m4s", "a/index.m3u8"}));
  EXPECT_EQ(dropped, std::vector<std::string>{"a/index.m3u8=p"})
      << "the running put is not reported, nor the dropped removal";
}

TEST(WriteQueueTest, DiscardStopsTheRetriesOfARunningJob) {
  FlakyStore store;
  WriteQueue queue(store, endless_retry_options());
  std::optional<Status> result;
  put_and_fail_once(queue, store, "a/1.m4s", result);
  auto stopped = queue.discard("a/");
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(*stopped, 1u);
  queue.flush();  // returns only because the backoff was interrupted
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error().code, Code::Conflict);
  EXPECT_EQ(store.calls().size(), 1u);
  EXPECT_EQ(queue.stats().abandoned_jobs, 1u);
}

TEST(WriteQueueTest, DiscardOfAnotherPrefixLeavesARetryAlone) {
  FlakyStore store;
  store.failures = 1;
  WriteQueue queue(store, fast_options());
  store.hold();
  std::optional<Status> result;
  ASSERT_TRUE(queue.put("a/1.m4s", make_object(to_bytes("1")), [&](Status s) { result = s; }).ok());
  store.wait_until_entered();
  auto none = queue.discard("b/");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
  store.release();
  queue.flush();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(store.calls().size(), 2u);
}

// Counts callbacks and lets a test wait for a number of them.
class Completions {
 public:
  WriteCallback note() {
    return [this](Status s) {
      std::lock_guard lock(mutex_);
      (s.ok() ? ok_ : failed_)++;
      cv_.notify_all();
    };
  }
  void wait_for_ok(int n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return ok_ >= n; });
  }
  int failed() {
    std::lock_guard lock(mutex_);
    return failed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int ok_ = 0;
  int failed_ = 0;
};

// A stream whose store calls hang exhausts its own budget only: its next put
// is refused, while another stream writes ten times that budget meanwhile.
TEST(WriteQueueTest, OneSlowStreamExhaustsOnlyItsOwnBudget) {
  OneSlowStream store;
  WriteQueueOptions options = fast_options();
  options.workers = 2;
  options.max_queued_bytes = 1 << 20;
  options.max_stream_bytes = 3000;
  WriteQueue queue(store, options);
  ASSERT_TRUE(queue.put("slow/1.m4s", make_object(Bytes(1000))).ok());  // hangs
  ASSERT_TRUE(queue.put("slow/2.m4s", make_object(Bytes(1000))).ok());
  auto refused = queue.put("slow/3.m4s", make_object(Bytes(1000)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::ResourceExhausted);
  EXPECT_NE(refused.error().message.find("slow"), std::string::npos) << refused.error().message;

  Completions fast;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        queue.put("fast/" + std::to_string(i) + ".m4s", make_object(Bytes(1000)), fast.note()).ok())
        << "put " << i << " of the other stream";
    fast.wait_for_ok(i + 1);  // written while slow/1 still hangs
  }
  EXPECT_EQ(fast.failed(), 0);
  store.release();
  queue.flush();
  EXPECT_TRUE(queue.put("slow/3.m4s", make_object(Bytes(1000))).ok()) << "room again";
}

// The node-wide budget still holds over all streams' budgets.
TEST(WriteQueueTest, TheNodeBudgetCapsAllStreamsTogether) {
  FlakyStore store;
  WriteQueueOptions options = fast_options();
  options.max_queued_bytes = 3000;
  options.max_stream_bytes = 2000;
  WriteQueue queue(store, options);
  store.hold();
  ASSERT_TRUE(queue.put("a/1", make_object(Bytes(1000))).ok());
  ASSERT_TRUE(queue.put("b/1", make_object(Bytes(1000))).ok());
  auto refused = queue.put("c/1", make_object(Bytes(1000)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::ResourceExhausted);
  store.release();
  queue.flush();
}

// A full disk is not an outage: a few attempts, then the error, not minutes of retries.
TEST(WriteQueueTest, ResourceExhaustedGetsMaxAttemptsNotTheOutageRetry) {
  FlakyStore store;
  store.failures = 1000;
  store.failure_code = Code::ResourceExhausted;
  WriteQueueOptions options = fast_options();
  options.outage_retry = std::chrono::hours(1);
  WriteQueue queue(store, options);
  std::optional<Status> result;
  ASSERT_TRUE(queue.put("a/1.m4s", make_object(to_bytes("s")), [&](Status s) { result = s; }).ok());
  queue.flush();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error().code, Code::ResourceExhausted);
  EXPECT_EQ(store.calls().size(), 4u);
}

// Once a full disk made one job of a stream give up, the stream's backlog gets
// one attempt per job (the stream is in `error`; its backlog drains at once),
// and the lane retries normally again after a write succeeds.
TEST(WriteQueueTest, AfterADiskFullFailureTheLanesBacklogGetsOneAttemptEach) {
  FlakyStore store;
  store.failures = 1000;
  store.failure_code = Code::ResourceExhausted;
  WriteQueue queue(store, fast_options());  // 4 attempts
  store.hold();
  ASSERT_TRUE(queue.put("a/1.m4s", make_object(to_bytes("1"))).ok());
  store.wait_until_entered();
  for (int i = 2; i <= 6; ++i) {
    ASSERT_TRUE(queue.put("a/" + std::to_string(i) + ".m4s", make_object(to_bytes("x"))).ok());
  }
  store.release();
  queue.flush();
  EXPECT_EQ(store.calls().size(), 4u + 5u) << "4 attempts for the first, then 1 each";
  EXPECT_EQ(queue.failed_jobs(), 6u);
}

// Deleting expired segments is what frees a full disk: a remove queued behind
// a put that waits to retry runs meanwhile; a remove of the retrying put's own
// key, and every other put, still wait their turn.
TEST(WriteQueueTest, RemovesOvertakeAPutThatWaitsToRetry) {
  FlakyStore store;
  store.fail_only_puts = true;
  WriteQueue queue(store, endless_retry_options());
  std::optional<Status> running;
  put_and_fail_once(queue, store, "a/9.m4s", running);
  ASSERT_TRUE(queue.put("a/index.m3u8", make_object(to_bytes("p"))).ok());
  ASSERT_TRUE(queue.remove("a/9.m4s").ok());
  Completions removed;
  ASSERT_TRUE(queue.remove("a/1.m4s", removed.note()).ok());
  ASSERT_TRUE(queue.remove("a/2.m4s", removed.note()).ok());
  removed.wait_for_ok(2);  // an hour's backoff: only overtaking gets them here
  EXPECT_EQ(store.calls(),
            (std::vector<std::string>{"put a/9.m4s", "remove a/1.m4s", "remove a/2.m4s"}));
  ASSERT_TRUE(queue.discard("a/").ok());
  queue.flush();
  EXPECT_EQ(queue.stats().completed_jobs, 2u);
  EXPECT_EQ(queue.queued_bytes(), 0u);
}

// A new session claims its stream: the last session's queued writes are
// dropped and its late ones refused, so they cannot land over the new ones.
TEST(WriteQueueTest, AClaimSupersedesTheStreamsEarlierWriter) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  auto old_session = queue.claim("s/");
  store.hold();
  ASSERT_TRUE(old_session->put("s/1.m4s", make_object(to_bytes("old")), nullptr).ok());
  store.wait_until_entered();  // running: it finishes, but nothing after it
  std::optional<Status> dropped;
  ASSERT_TRUE(old_session
                  ->put("s/index.m3u8", make_object(to_bytes("old ENDLIST")),
                        [&](Status s) { dropped = s; })
                  .ok());

  auto new_session = queue.claim("s/");
  ASSERT_TRUE(dropped.has_value()) << "dropped before claim() returns";
  EXPECT_EQ(dropped->error().code, Code::Conflict);
  auto late = old_session->put("s/index.m3u8", make_object(to_bytes("old late")), nullptr);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Code::Conflict);
  EXPECT_EQ(new_session->put("t/x", make_object(to_bytes("x")), nullptr).error().code,
            Code::InvalidArgument)
      << "a claim writes its own stream only";
  ASSERT_TRUE(new_session->put("s/index.m3u8", make_object(to_bytes("new")), nullptr).ok());
  ASSERT_TRUE(queue.put("u/x", make_object(to_bytes("u")), nullptr).ok()) << "others unaffected";
  store.release();
  queue.flush();
  auto index = store.inner.get("s/index.m3u8");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(as_chars((*index)->data), "new");
  auto calls = store.calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "put s/index.m3u8"), 1);
}

TEST(WriteQueueTest, BadArgumentsAreRefused) {
  FlakyStore store;
  WriteQueue queue(store, fast_options());
  EXPECT_EQ(queue.put("a/1.m4s", nullptr).error().code, Code::InvalidArgument);
  EXPECT_EQ(queue.discard("").error().code, Code::InvalidArgument) << "would match every key";
  EXPECT_EQ(queue.discard("../").error().code, Code::InvalidArgument);
}

}  // namespace
}  // namespace antcdn::storage
