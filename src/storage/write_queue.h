#pragma once

// Runs object-store writes on background threads so the event loop and the
// packager never wait on a disk or an S3 round trip. Jobs are grouped by their
// key's first path segment (a stream's edgeId; for a recording's keys,
// "recordings/{id}") into one lane per stream or recording; within
// a lane they run strictly in submission order, and `workers` threads take
// turns over the lanes that have work, one job of a lane at a time. That order
// matters: a playlist put must land after the segment it names, and a stream's
// remove_prefix after its last put. A stream whose store calls hang holds one
// worker; every other stream goes on with the rest.
//
// A put holds the shared object, not a copy: every attempt sends the same bytes
// that the cache and the edge later serve.
//
// A failed job is retried with exponential backoff and jitter. While the store
// is unreachable (Unavailable) a job keeps retrying for up to `outage_retry`, so
// an object store that is down for a minute loses nothing; the queue behind it
// grows meanwhile, bounded by the budgets below. Other errors (a full disk is
// ResourceExhausted) get `max_attempts`, a few seconds; once a job of a lane
// gave up on ResourceExhausted, the lane's next jobs get one attempt each until
// one succeeds, so a full disk drains a stream's backlog at once. A job is never dropped
// silently: after its last attempt it is counted, logged, and its callback
// receives the error. While a job of a lane waits for its next attempt, the
// lane's queued single-key removes run (deleting expired segments is what frees
// a full disk), unless a queued put of the same key comes before them.
//
// Budgets: the bytes waiting in one stream's lane (`max_stream_bytes`) and in
// all lanes (`max_queued_bytes`). Over either, submission fails at once with
// ResourceExhausted and the caller decides what that means (the packager puts
// its stream into `error`): one slow stream exhausts its own budget, not the
// others'.
//
// Fencing: claim(prefix) returns a writer for the stream; a later claim of the
// same stream supersedes it. The superseded writer's queued jobs are dropped,
// its running job is not retried, and its new submissions are refused with
// Conflict, so a session that ended can never overwrite the next session's
// playlists with a late write. Two more calls end retrying early: flush_for()
// once its deadline has passed (shutdown) and discard() (a node that lost a
// stream's lease).

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
#include <unordered_map>
#include <vector>

#include "storage/object_store.h"
#include "storage/object_writer.h"

namespace antcdn::storage {

struct WriteQueueOptions {
  int workers = 4;  // upload threads; each stream's jobs stay on one of them
  size_t max_queued_bytes = size_t{256} * 1024 * 1024;  // all streams together
  // One stream's lane; 0: max(max_queued_bytes / 8, 16 MiB), capped at max_queued_bytes.
  size_t max_stream_bytes = 0;
  int max_attempts = 5;  // including the first; for errors other than Unavailable
  // Unavailable errors are retried at least this long after the job's first failure.
  std::chrono::milliseconds outage_retry{300000};
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  // Called on the worker thread when a put was stored or finally failed (not
  // when discard(), claim() or flush_for() stopped it): the time from its first
  // attempt to that outcome, retries included. For metrics; must not block.
  std::function<void(std::string_view key, std::chrono::nanoseconds took, bool stored)> on_put_done;
  // Called on the submitting thread, after the queue took a put (not when it
  // refused one): the node's cache serves the object from then on
  // (CachedStore::publish). Must not block.
  std::function<void(const std::string& key, const ObjectPtr& object)> on_accepted;
  // Called for an accepted put that discard(), claim() or flush_for() dropped
  // before it ran (on that caller's thread): it will never be stored, so the
  // cache must stop serving it (CachedStore::unpublish). Must not block.
  std::function<void(const std::string& key, const ObjectPtr& object)> on_dropped;
};

// A WriteCallback (object_writer.h) runs exactly once per accepted job: on the job's worker thread
// once it succeeded or finally failed, or, for a job that discard() or flush_for() dropped before
// it ran, on that caller's thread before the call returns (with Conflict or Unavailable; claim()
// drops a superseded writer's jobs the same way, with Conflict). It may
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
  std::vector<std::string> keys;  // object keys (or prefixes), lane by lane in order
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
  // A writer for the stream `prefix` ("lse_x/") that supersedes every earlier
  // claim of it (see Fencing above). The writer must not outlive the queue.
  std::unique_ptr<ObjectWriter> claim(const std::string& prefix) override;

  size_t queued_bytes() const;
  uint64_t failed_jobs() const;
  WriteQueueStats stats() const;

 private:
  enum class Op { Put, Remove, RemovePrefix };
  // Set once a later claim() of the same stream superseded the writer.
  struct Fence {
    bool superseded = false;  // under mutex_
  };
  class FencedWriter;
  struct Job {
    Op op = Op::Put;
    std::string key;
    ObjectPtr object;
    WriteCallback done;
    size_t charge = 0;
    std::shared_ptr<Fence> fence;  // null: submitted to the queue itself
    // A single-key remove with no put of its key before it: it may run while
    // an earlier job of its lane waits to retry.
    bool may_overtake = false;
  };

  // One stream's jobs, in order.
  struct Lane {
    std::deque<Job> jobs;
    size_t overtakers = 0;         // queued jobs with may_overtake
    std::optional<Job> running;    // set and cleared by the worker, under the mutex
    std::optional<Error> abandon;  // set: the running job must not be retried
    size_t bytes = 0;              // charge of the queued and the running jobs
    bool scheduled = false;        // in ready_, or a worker is running its job
    bool exhausted = false;  // a job gave up on ResourceExhausted (disk full); none succeeded since
  };
  using Lanes = std::unordered_map<std::string, Lane>;

  Status submit(Job job);
  void run();
  // Runs one job (with its retries) and books its outcome; the lock is held on
  // entry and exit, released meanwhile.
  void run_job(std::unique_lock<std::mutex>& lock, Lane& lane, Job&& job, std::minstd_rand& rng);
  Status execute(std::unique_lock<std::mutex>& lock, Lane& lane, const Job& job,
                 std::minstd_rand& rng);
  // During a backoff: tries the lane's queued removes that may overtake; one that fails
  // too waits right after the running job, with the usual retries.
  void run_removes_locked(std::unique_lock<std::mutex>& lock, Lane& lane);
  Status attempt(const Job& job);
  std::chrono::milliseconds backoff(std::minstd_rand& rng, int failed_attempts) const;
  static std::string lane_name(const std::string& key);
  void schedule_locked(const std::string& name, Lane& lane);
  void release_locked(Lane& lane, const Job& job);
  bool idle_locked() const;
  // Removes the queued jobs `drop` selects and releases their budget; the
  // caller runs their callbacks once the lock is released.
  std::vector<Job> drop_queued_locked(const std::function<bool(const Job&)>& drop);
  void report_dropped(std::vector<Job>& dropped, const Error& why);
  static std::string_view op_name(Op op);

  ObjectStore& store_;
  const WriteQueueOptions options_;
  const size_t max_stream_bytes_;

  mutable std::mutex mutex_;
  // Workers: a lane became ready, or stop. Also ends a backoff early (discard,
  // deadline, claim, an overtaking remove arrived).
  std::condition_variable wake_;
  std::condition_variable drained_;  // flush(): every lane empty and idle
  bool stopping_ = false;
  WriteQueueStats stats_;
  Lanes lanes_;                    // a lane exists while it has jobs or runs one
  std::deque<std::string> ready_;  // lanes with work and no worker, in turn
  std::unordered_map<std::string, std::weak_ptr<Fence>> fences_;  // newest claim per stream
  std::vector<std::thread> threads_;  // started last, in the constructor
};

}  // namespace antcdn::storage
