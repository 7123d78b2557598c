#pragma once

// Runs object-store writes on background threads so the event loop and the
// packager never wait on a disk or an S3 round trip. Jobs are sharded by their
// key's first path segment (a stream's edgeId) over `workers` threads; within a
// shard they run strictly in submission order. That order matters: a playlist
// put must land after the segment it names, and a stream's remove_prefix after
// its last put. Streams on different shards upload in parallel, which is what
// makes a remote store's round-trip time affordable.
//
// A put holds the shared object, not a copy: every attempt sends the same bytes
// that the cache and the edge later serve.
//
// A failed job is retried with exponential backoff and jitter. While the store
// is unreachable (Unavailable) a job keeps retrying for up to `outage_retry`, so
// an object store that is down for a minute loses nothing; the queue behind it
// grows meanwhile, bounded by the budget below. A job is never dropped
// silently: after its last attempt it is counted, logged, and its callback
// receives the error. When more than `max_queued_bytes` are waiting
// (storage down or too slow), submission fails at once with ResourceExhausted
// and the caller decides what that means (the packager puts its stream into
// `error`). Two calls end retrying early: flush_for() once its deadline has
// passed (shutdown) and discard() (a node that lost a stream's lease).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/object_store.h"
#include "storage/object_writer.h"

namespace antcdn::storage {

struct WriteQueueOptions {
  int workers = 4;  // upload threads; each stream's jobs stay on one of them
  size_t max_queued_bytes = size_t{256} * 1024 * 1024;  // all shards together
  int max_attempts = 5;  // including the first; for errors other than Unavailable
  // Unavailable errors are retried at least this long after the job's first failure.
  std::chrono::milliseconds outage_retry{300000};
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
};

// A WriteCallback (object_writer.h) runs exactly once per accepted job: on the job's worker thread
// once it succeeded or finally failed, or, for a job that discard() or flush_for() dropped before
// it ran, on that caller's thread before the call returns (with Conflict or Unavailable). It may
// submit more jobs but must not call flush() (that would wait for itself).

struct WriteQueueStats {
  size_t queued_bytes = 0;  // payload + key + a fixed overhead per job, running job included
  size_t queued_jobs = 0;
  uint64_t completed_jobs = 0;  // succeeded
  uint64_t failed_jobs = 0;     // gave up after the last attempt
  uint64_t abandoned_jobs = 0;  // dropped or stopped by discard() or flush_for()
  uint64_t retries = 0;
};

// What flush_for() could not confirm as written when its deadline passed.
struct UnwrittenJobs {
  size_t count = 0;               // == keys.size()
  std::vector<std::string> keys;  // object keys (or prefixes), shard by shard in order
};

class WriteQueue final : public ObjectWriter {
 public:
  WriteQueue(ObjectStore& store, WriteQueueOptions options);
  // Finishes every queued job (with its retries), then joins the workers. Call
  // flush_for() first to bound how long that takes.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // InvalidArgument for a bad key or prefix or a null object, ResourceExhausted
  // over budget; otherwise the job is queued and `done` will be called exactly once.
  Status put(std::string key, ObjectPtr object, WriteCallback done = nullptr) override;
  Status remove(std::string key, WriteCallback done = nullptr) override;
  Status remove_prefix(std::string prefix, WriteCallback done = nullptr) override;

  // Blocks until every job submitted so far has finished and its callback returned.
  void flush();
  // Like flush(), but waits at most `deadline`. Then every job still queued is
  // dropped and every running one stops retrying after its current attempt;
  // each is logged once (aggregated beyond a few) and returned.
  UnwrittenJobs flush_for(std::chrono::milliseconds deadline);
  // Drops every queued job whose key starts with `prefix` and stops the retries
  // of a running one (its current attempt still finishes). Returns how many
  // jobs it dropped or stopped; InvalidArgument for an invalid prefix.
  Result<size_t> discard(const std::string& prefix) override;

  size_t queued_bytes() const;
  uint64_t failed_jobs() const;
  WriteQueueStats stats() const;

 private:
  enum class Op { Put, Remove, RemovePrefix };
  struct Job {
    Op op = Op::Put;
    std::string key;
    ObjectPtr object;
    WriteCallback done;
    size_t charge = 0;
  };

  // One FIFO and the thread that drains it.
  struct Shard {
    std::deque<Job> jobs;
    std::optional<Job> running;    // set and cleared by the shard's thread, under the mutex
    std::optional<Error> abandon;  // set: the running job must not be retried
    std::minstd_rand rng;          // backoff jitter; this shard's thread only
    std::thread thread;
  };

  Status submit(Job job);
  void run(Shard& shard);
  Status execute(Shard& shard, const Job& job);
  Status attempt(const Job& job);
  std::chrono::milliseconds backoff(Shard& shard, int failed_attempts);
  Shard& shard_for(const std::string& key);
  bool idle_locked() const;
  // Removes the queued jobs `drop` selects and releases their budget; the
  // caller runs their callbacks once the lock is released.
  std::vector<Job> drop_queued_locked(const std::function<bool(const Job&)>& drop);
  static void report_dropped(std::vector<Job>& dropped, const Error& why);
  static std::string_view op_name(Op op);

  ObjectStore& store_;
  const WriteQueueOptions options_;

  mutable std::mutex mutex_;
  // Workers: a job arrived or stop. Also ends a backoff early (discard, deadline).
  std::condition_variable wake_;
  std::condition_variable drained_;  // flush(): every shard empty and idle
  bool stopping_ = false;
  WriteQueueStats stats_;
  std::vector<std::unique_ptr<Shard>> shards_;  // threads start last, in the constructor
};

}  // namespace antcdn::storage
