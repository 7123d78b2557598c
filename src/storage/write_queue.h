#pragma once

// Runs object-store writes on background threads so the event loop and the
// packager never wait on a disk or an S3 round trip. Jobs are sharded by their
// key's first path segment (a stream's edgeId) over `workers` threads; within a
// shard they run strictly in submission order. That order matters: a playlist
// put must land after the segment it names, and a stream's remove_prefix after
// its last put. Streams on different shards upload in parallel, which is what
// makes a remote store's round-trip time affordable.
//
// A failed job is retried with exponential backoff and jitter. While the store
// is unreachable (Unavailable) a job keeps retrying for up to `outage_retry`, so
// an object store that is down for a minute loses nothing; the queue behind it
// grows meanwhile, bounded by the budget below. A job is never dropped
// silently: after its last attempt it is counted, logged, and its callback
// receives the error. When more than `max_queued_bytes` are waiting
// (storage down or too slow), submission fails at once with ResourceExhausted
// and the caller decides what that means (the packager puts its stream into
// `error`).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/object_store.h"

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

// Called on the job's worker thread once it succeeded or finally failed. It may
// submit more jobs but must not call flush() (that would wait for itself).
using WriteCallback = std::function<void(Status)>;

struct WriteQueueStats {
  size_t queued_bytes = 0;  // payload + key + a fixed overhead per job, running job included
  size_t queued_jobs = 0;
  uint64_t completed_jobs = 0;  // succeeded
  uint64_t failed_jobs = 0;     // gave up after the last attempt
  uint64_t retries = 0;
};

class WriteQueue {
 public:
  WriteQueue(ObjectStore& store, WriteQueueOptions options);
  // Finishes every queued job (with its retries), then joins the workers.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // InvalidArgument for a bad key or prefix, ResourceExhausted over budget;
  // otherwise the job is queued and `done` will be called exactly once.
  Status put(std::string key, Bytes data, PutOptions options, WriteCallback done = nullptr);
  Status remove(std::string key, WriteCallback done = nullptr);
  Status remove_prefix(std::string prefix, WriteCallback done = nullptr);

  // Blocks until every job submitted so far has finished and its callback returned.
  void flush();

  size_t queued_bytes() const;
  uint64_t failed_jobs() const;
  WriteQueueStats stats() const;

 private:
  enum class Op { Put, Remove, RemovePrefix };
  struct Job {
    Op op = Op::Put;
    std::string key;
    Bytes data;
    PutOptions options;
    WriteCallback done;
    size_t charge = 0;
  };

  // One FIFO and the thread that drains it.
  struct Shard {
    std::deque<Job> jobs;
    bool busy = false;
    std::minstd_rand rng;  // backoff jitter; this shard's thread only
    std::thread thread;
  };

  Status submit(Job job);
  void run(Shard& shard);
  Status execute(Shard& shard, Job& job);
  Status attempt(Job& job);
  std::chrono::milliseconds backoff(Shard& shard, int failed_attempts);
  Shard& shard_for(const std::string& key);
  bool idle_locked() const;
  static std::string_view op_name(Op op);

  ObjectStore& store_;
  const WriteQueueOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // workers: a job arrived or stop
  std::condition_variable drained_;  // flush(): every shard empty and idle
  bool stopping_ = false;
  WriteQueueStats stats_;
  std::vector<std::unique_ptr<Shard>> shards_;  // threads start last, in the constructor
};

}  // namespace antcdn::storage
