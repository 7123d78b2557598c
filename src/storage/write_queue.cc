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
                     [](const auto& s) { return s->jobs.empty() && !s->busy; });
}

Status WriteQueue::put(std::string key, Bytes data, PutOptions options, WriteCallback done) {
  if (!is_valid_key(key)) {
    return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
  }
  return submit(Job{Op::Put, std::move(key), std::move(data), std::move(options), std::move(done)});
}

Status WriteQueue::remove(std::string key, WriteCallback done) {
  if (!is_valid_key(key)) {
    return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
  }
  return submit(Job{Op::Remove, std::move(key), {}, {}, std::move(done)});
}

Status WriteQueue::remove_prefix(std::string prefix, WriteCallback done) {
  if (!is_valid_prefix(prefix)) {
    return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
  }
  return submit(Job{Op::RemovePrefix, std::move(prefix), {}, {}, std::move(done)});
}

Status WriteQueue::submit(Job job) {
  job.charge = job.data.size() + job.key.size() + kJobOverhead;
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
    Job job = std::move(shard.jobs.front());
    shard.jobs.pop_front();
    shard.busy = true;
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
    } else {
      ++stats_.failed_jobs;
    }
    shard.busy = false;
    if (idle_locked()) {
      drained_.notify_all();
    }
  }
}

Status WriteQueue::execute(Shard& shard, Job& job) {
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
    {
      std::lock_guard lock(mutex_);
      ++stats_.retries;
    }
    std::this_thread::sleep_for(delay);
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

Status WriteQueue::attempt(Job& job) {
  switch (job.op) {
    case Op::Put:
      return store_.put(job.key, job.data, job.options);  // a copy: a retry needs the bytes
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
