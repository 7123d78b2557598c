#include "storage/write_queue.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <utility>

#include <spdlog/spdlog.h>

namespace antcdn::storage {
namespace {

// What a job costs beyond its payload and key (the Job, the deque slot, the
// callback), so a flood of removes is bounded by the budget too.
constexpr size_t kJobOverhead = 128;

// Abandoned writes named one by one in the log; the rest are counted.
constexpr size_t kLoggedKeys = 10;

// Retrying cannot turn these into successes.
bool is_permanent(Code code) {
  return code == Code::InvalidArgument || code == Code::Unsupported;
}

}  // namespace

WriteQueue::WriteQueue(ObjectStore& store, WriteQueueOptions options)
    : store_(store), options_(options) {
  const int workers = std::max(1, options_.workers);
  std::random_device seed;
  for (int i = 0; i < workers; ++i) {
    shards_.push_back(std::make_unique<Shard>());
    shards_.back()->rng.seed(seed());
  }
  for (auto& shard : shards_) {
    shard->thread = std::thread([this, s = shard.get()] { run(*s); });
  }
}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& shard : shards_) {
    shard->thread.join();
  }
}

WriteQueue::Shard& WriteQueue::shard_for(const std::string& key) {
  std::string_view stream = std::string_view(key).substr(0, key.find('/'));
  return *shards_[std::hash<std::string_view>{}(stream) % shards_.size()];
}

bool WriteQueue::idle_locked() const {
  return std::all_of(shards_.begin(), shards_.end(),
                     [](const auto& s) { return s->jobs.empty() && !s->running; });
}

Status WriteQueue::put(std::string key, ObjectPtr object, WriteCallback done) {
  if (Status s = check_put(key, object); !s.ok()) {
    return s;
  }
  return submit(Job{Op::Put, std::move(key), std::move(object), std::move(done)});
}

Status WriteQueue::remove(std::string key, WriteCallback done) {
  if (!is_valid_key(key)) {
    return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
  }
  return submit(Job{Op::Remove, std::move(key), nullptr, std::move(done)});
}

Status WriteQueue::remove_prefix(std::string prefix, WriteCallback done) {
  if (!is_valid_prefix(prefix)) {
    return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
  }
  return submit(Job{Op::RemovePrefix, std::move(prefix), nullptr, std::move(done)});
}

Status WriteQueue::submit(Job job) {
  job.charge = (job.object ? job.object->data.size() : 0) + job.key.size() + kJobOverhead;
  {
    std::lock_guard lock(mutex_);
    if (stats_.queued_bytes + job.charge > options_.max_queued_bytes) {
      return make_error(Code::ResourceExhausted, "storage write queue is full (" +
                                                     std::to_string(stats_.queued_bytes) +
                                                     " bytes waiting)");
    }
    stats_.queued_bytes += job.charge;
    ++stats_.queued_jobs;
    Shard& shard = shard_for(job.key);
    shard.jobs.push_back(std::move(job));
  }
  wake_.notify_all();  // a handful of workers: cheaper than one condition per shard
  return {};
}

void WriteQueue::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [&] { return idle_locked(); });
}

UnwrittenJobs WriteQueue::flush_for(std::chrono::milliseconds deadline) {
  const Error why = make_error(Code::Unavailable, "abandoned: the write deadline passed");
  UnwrittenJobs out;
  std::vector<std::string> described;  // the first few, for the log
  auto note = [&](const Job& job) {
    out.keys.push_back(job.key);
    if (described.size() < kLoggedKeys) {
      described.push_back(std::string(op_name(job.op)) + " " + job.key);
    }
  };
  std::vector<Job> dropped;
  {
    std::unique_lock lock(mutex_);
    if (drained_.wait_for(lock, deadline, [&] { return idle_locked(); })) {
      return out;
    }
    for (auto& shard : shards_) {
      if (shard->running) {
        shard->abandon = why;
        note(*shard->running);
      }
    }
    dropped = drop_queued_locked([](const Job&) { return true; });
    if (idle_locked()) {
      drained_.notify_all();
    }
  }
  wake_.notify_all();  // ends the backoff of every abandoned retry
  for (const Job& job : dropped) {
    note(job);
  }
  out.count = out.keys.size();
  for (const auto& d : described) {
    spdlog::warn("storage: {} not written: abandoned at the write deadline", d);
  }
  if (out.count > described.size()) {
    spdlog::warn("storage: {} more writes abandoned at the write deadline",
                 out.count - described.size());
  }
  report_dropped(dropped, why);
  return out;
}

Result<size_t> WriteQueue::discard(const std::string& prefix) {
  if (!is_valid_prefix(prefix)) {
    return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
  }
  const Error why =
      make_error(Code::Conflict, "discarded: " + prefix + " is no longer written by this node");
  size_t stopped = 0;
  std::vector<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    for (auto& shard : shards_) {
      if (shard->running && !shard->abandon && shard->running->key.starts_with(prefix)) {
        shard->abandon = why;
        ++stopped;
      }
    }
    dropped = drop_queued_locked([&](const Job& job) { return job.key.starts_with(prefix); });
    if (idle_locked()) {
      drained_.notify_all();
    }
  }
  wake_.notify_all();  // ends a stopped job's backoff
  if (stopped + dropped.size() > 0) {
    spdlog::info("storage: discarded {} queued writes under {}, stopped {} running", dropped.size(),
                 prefix, stopped);
  }
  report_dropped(dropped, why);
  return stopped + dropped.size();
}

std::vector<WriteQueue::Job> WriteQueue::drop_queued_locked(
    const std::function<bool(const Job&)>& drop) {
  std::vector<Job> out;
  for (auto& shard : shards_) {
    std::deque<Job> kept;
    for (Job& job : shard->jobs) {
      if (!drop(job)) {
        kept.push_back(std::move(job));
        continue;
      }
      stats_.queued_bytes -= job.charge;
      --stats_.queued_jobs;
      ++stats_.abandoned_jobs;
      out.push_back(std::move(job));
    }
    shard->jobs.swap(kept);
  }
  return out;
}

void WriteQueue::report_dropped(std::vector<Job>& dropped, const Error& why) {
  for (Job& job : dropped) {
    if (job.done) {
      job.done(why);
    }
  }
}

size_t WriteQueue::queued_bytes() const {
  std::lock_guard lock(mutex_);
  return stats_.queued_bytes;
}

uint64_t WriteQueue::failed_jobs() const {
  std::lock_guard lock(mutex_);
  return stats_.failed_jobs;
}

WriteQueueStats WriteQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void WriteQueue::run(Shard& shard) {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return !shard.jobs.empty() || stopping_; });
    if (shard.jobs.empty()) {
      return;  // stopping, and everything queued here has been written
    }
    shard.running = std::move(shard.jobs.front());
    shard.jobs.pop_front();
    shard.abandon.reset();
    // Other threads only read the running job's key, under the lock.
    const Job& job = *shard.running;
    lock.unlock();

    Status result = execute(shard, job);
    if (job.done) {
      job.done(result);
    }

    lock.lock();
    stats_.queued_bytes -= job.charge;
    --stats_.queued_jobs;
    if (result.ok()) {
      ++stats_.completed_jobs;
    } else if (shard.abandon) {
      ++stats_.abandoned_jobs;
    } else {
      ++stats_.failed_jobs;
    }
    shard.running.reset();
    shard.abandon.reset();
    if (idle_locked()) {
      drained_.notify_all();
    }
  }
}

Status WriteQueue::execute(Shard& shard, const Job& job) {
  const int max_attempts = std::max(1, options_.max_attempts);
  std::optional<std::chrono::steady_clock::time_point> first_failure;
  for (int n = 1;; ++n) {
    Status s = attempt(job);
    if (s.ok()) {
      if (n > 1) {
        spdlog::info("storage: {} {} succeeded after {} attempts", op_name(job.op), job.key, n);
      }
      return s;
    }
    auto now = std::chrono::steady_clock::now();
    first_failure = first_failure.value_or(now);
    bool outage =
        s.error().code == Code::Unavailable && now - *first_failure < options_.outage_retry;
    if (is_permanent(s.error().code) || (n >= max_attempts && !outage)) {
      spdlog::error("storage: {} {} failed after {} attempt(s), giving up: {}", op_name(job.op),
                    job.key, n, s.error().describe());
      return s;
    }
    auto delay = backoff(shard, n);
    // The first retry of a job is worth a line; the rest of an outage is counted.
    if (n == 1) {
      spdlog::warn("storage: {} {} failed, retrying: {}", op_name(job.op), job.key,
                   s.error().describe());
    }
    std::unique_lock lock(mutex_);
    // A wait on the condition, not a sleep: discard() and flush_for()'s
    // deadline end the backoff at once instead of after up to max_backoff.
    if (wake_.wait_for(lock, delay, [&] { return shard.abandon.has_value(); })) {
      // Already logged by whoever abandoned it.
      Error e = *shard.abandon;
      e.message += " (last attempt: " + s.error().describe() + ")";
      return e;
    }
    ++stats_.retries;
  }
}

std::string_view WriteQueue::op_name(Op op) {
  switch (op) {
    case Op::Put:
      return "put";
    case Op::Remove:
      return "remove";
    case Op::RemovePrefix:
      return "remove_prefix";
  }
  return "?";
}

Status WriteQueue::attempt(const Job& job) {
  switch (job.op) {
    case Op::Put:
      return store_.put(job.key, job.object);  // shared: every retry sends the same bytes
    case Op::Remove:
      return store_.remove(job.key);
    case Op::RemovePrefix:
      return store_.remove_prefix(job.key);
  }
  return make_error(Code::Internal, "unknown storage job");
}

// "Equal jitter": half the exponential delay, plus a random half, so retries
// from many streams after one outage do not hit the store in lockstep.
std::chrono::milliseconds WriteQueue::backoff(Shard& shard, int failed_attempts) {
  auto delay = std::max(options_.initial_backoff, std::chrono::milliseconds(1));
  for (int i = 1; i < failed_attempts && delay < options_.max_backoff; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, options_.max_backoff);
  std::uniform_int_distribution<int64_t> half(0, delay.count() / 2);
  return std::chrono::milliseconds(delay.count() - delay.count() / 2 + half(shard.rng));
}

}  // namespace antcdn::storage
