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

// The smallest default budget of one stream: a few segments of a high ladder.
constexpr size_t kMinStreamBytes = size_t{16} * 1024 * 1024;

// Abandoned writes named one by one in the log; the rest are counted.
constexpr size_t kLoggedKeys = 10;

// Retrying cannot turn these into successes.
bool is_permanent(Code code) {
  return code == Code::InvalidArgument || code == Code::Unsupported;
}

}  // namespace

// Writes through the queue as one claim of a stream; see WriteQueue::claim.
class WriteQueue::FencedWriter final : public ObjectWriter {
 public:
  FencedWriter(WriteQueue& queue, std::string prefix, std::shared_ptr<Fence> fence)
      : queue_(queue), prefix_(std::move(prefix)), fence_(std::move(fence)) {}

  Status put(std::string key, ObjectPtr object, WriteCallback done) override {
    if (Status s = check_put(key, object); !s.ok()) {
      return s;
    }
    return submit(Job{Op::Put, std::move(key), std::move(object), std::move(done)});
  }
  Status remove(std::string key, WriteCallback done) override {
    if (!is_valid_key(key)) {
      return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
    }
    return submit(Job{Op::Remove, std::move(key), nullptr, std::move(done)});
  }
  Status remove_prefix(std::string prefix, WriteCallback done) override {
    if (!is_valid_prefix(prefix)) {
      return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
    }
    return submit(Job{Op::RemovePrefix, std::move(prefix), nullptr, std::move(done)});
  }
  Result<size_t> discard(const std::string& prefix) override { return queue_.discard(prefix); }
  std::unique_ptr<ObjectWriter> claim(const std::string& prefix) override {
    return queue_.claim(prefix);
  }

 private:
  Status submit(Job job) {
    // A claim covers its own stream only: a stray key is a bug, not a write.
    if (!job.key.starts_with(prefix_)) {
      return make_error(Code::InvalidArgument,
                        "\"" + job.key + "\" is outside the claimed prefix " + prefix_);
    }
    job.fence = fence_;
    return queue_.submit(std::move(job));
  }

  WriteQueue& queue_;
  const std::string prefix_;
  const std::shared_ptr<Fence> fence_;
};

WriteQueue::WriteQueue(ObjectStore& store, WriteQueueOptions options)
    : store_(store),
      options_(options),
      max_stream_bytes_(std::min(options.max_stream_bytes > 0
                                     ? options.max_stream_bytes
                                     : std::max(options.max_queued_bytes / 8, kMinStreamBytes),
                                 options.max_queued_bytes)) {
  const int workers = std::max(1, options_.workers);
  for (int i = 0; i < workers; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
}

std::string WriteQueue::lane_name(const std::string& key) {
  // A recording ("recordings/{id}/…", record/) is a lane of its own, like a stream.
  constexpr std::string_view kRecordings = "recordings/";
  if (key.starts_with(kRecordings)) {
    return key.substr(0, key.find('/', kRecordings.size()));
  }
  return key.substr(0, key.find('/'));
}

bool WriteQueue::idle_locked() const {
  return lanes_.empty();  // a lane exists only while it has jobs or runs one
}

void WriteQueue::schedule_locked(const std::string& name, Lane& lane) {
  if (!lane.scheduled) {
    lane.scheduled = true;
    ready_.push_back(name);
  }
}

void WriteQueue::release_locked(Lane& lane, const Job& job) {
  stats_.queued_bytes -= job.charge;
  --stats_.queued_jobs;
  lane.bytes -= job.charge;
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
  std::string name = lane_name(job.key);
  // What on_accepted is told of, kept before the job moves into its lane.
  std::optional<std::pair<std::string, ObjectPtr>> accepted;
  if (job.op == Op::Put && options_.on_accepted) {
    accepted.emplace(job.key, job.object);
  }
  {
    std::lock_guard lock(mutex_);
    if (job.fence && job.fence->superseded) {
      return make_error(Code::Conflict, "superseded: a newer session writes " + name);
    }
    if (stats_.queued_bytes + job.charge > options_.max_queued_bytes) {
      return make_error(Code::ResourceExhausted, "storage write queue is full (" +
                                                     std::to_string(stats_.queued_bytes) +
                                                     " bytes waiting)");
    }
    auto it = lanes_.find(name);
    size_t lane_bytes = it == lanes_.end() ? 0 : it->second.bytes;
    if (lane_bytes + job.charge > max_stream_bytes_) {
      return make_error(Code::ResourceExhausted, "storage writes of " + name + " are too slow (" +
                                                     std::to_string(lane_bytes) +
                                                     " bytes waiting)");
    }
    Lane& lane = it == lanes_.end() ? lanes_[name] : it->second;
    stats_.queued_bytes += job.charge;
    ++stats_.queued_jobs;
    lane.bytes += job.charge;
    // A remove may overtake a retrying job, but never a put of its own key.
    auto puts_key = [&](const Job& j) { return j.op == Op::Put && j.key == job.key; };
    job.may_overtake = job.op == Op::Remove && !(lane.running && puts_key(*lane.running)) &&
                       std::none_of(lane.jobs.begin(), lane.jobs.end(), puts_key);
    lane.overtakers += job.may_overtake ? 1 : 0;
    lane.jobs.push_back(std::move(job));
    schedule_locked(name, lane);
  }
  wake_.notify_all();  // a handful of workers: cheaper than one condition per lane
  if (accepted) {
    options_.on_accepted(accepted->first, accepted->second);
  }
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
    for (auto& [name, lane] : lanes_) {
      if (lane.running) {
        lane.abandon = why;
        note(*lane.running);
      }
    }
    dropped = drop_queued_locked([](const Job&) { return true; });
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
    for (auto& [name, lane] : lanes_) {
      if (lane.running && !lane.abandon && lane.running->key.starts_with(prefix)) {
        lane.abandon = why;
        ++stopped;
      }
    }
    dropped = drop_queued_locked([&](const Job& job) { return job.key.starts_with(prefix); });
  }
  wake_.notify_all();  // ends a stopped job's backoff
  if (stopped + dropped.size() > 0) {
    spdlog::info("storage: discarded {} queued writes under {}, stopped {} running", dropped.size(),
                 prefix, stopped);
  }
  report_dropped(dropped, why);
  return stopped + dropped.size();
}

std::unique_ptr<ObjectWriter> WriteQueue::claim(const std::string& prefix) {
  auto fence = std::make_shared<Fence>();
  const std::string name = lane_name(prefix);
  const Error why = make_error(Code::Conflict, "superseded: a newer session writes " + name);
  size_t stopped = 0;
  std::vector<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    // Claims of streams whose writers and jobs are all gone.
    std::erase_if(fences_, [](const auto& f) { return f.second.expired(); });
    std::shared_ptr<Fence> old = fences_[name].lock();
    fences_[name] = fence;
    if (old) {
      old->superseded = true;
      auto it = lanes_.find(name);
      if (it != lanes_.end() && it->second.running && it->second.running->fence == old &&
          !it->second.abandon) {
        it->second.abandon = why;
        ++stopped;
      }
      dropped = drop_queued_locked([&](const Job& job) { return job.fence == old; });
    }
  }
  if (stopped + dropped.size() > 0) {
    wake_.notify_all();  // ends a stopped job's backoff
    spdlog::info(
        "storage: {} claimed by a new session; dropped {} queued writes of the last one, "
        "stopped {} running",
        name, dropped.size(), stopped);
  }
  report_dropped(dropped, why);
  return std::make_unique<FencedWriter>(*this, prefix, std::move(fence));
}

std::vector<WriteQueue::Job> WriteQueue::drop_queued_locked(
    const std::function<bool(const Job&)>& drop) {
  std::vector<Job> out;
  auto sift = [&](Lane& lane, std::deque<Job>& jobs) {
    std::deque<Job> kept;
    for (Job& job : jobs) {
      if (!drop(job)) {
        kept.push_back(std::move(job));
        continue;
      }
      release_locked(lane, job);
      lane.overtakers -= job.may_overtake ? 1 : 0;
      ++stats_.abandoned_jobs;
      out.push_back(std::move(job));
    }
    jobs.swap(kept);
  };
  for (auto& [name, lane] : lanes_) {
    sift(lane, lane.jobs);
  }
  // A lane left empty stays scheduled; its worker finds nothing and retires it.
  return out;
}

void WriteQueue::report_dropped(std::vector<Job>& dropped, const Error& why) {
  for (Job& job : dropped) {
    if (job.op == Op::Put && options_.on_dropped) {
      options_.on_dropped(job.key, job.object);
    }
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

void WriteQueue::run() {
  std::minstd_rand rng(std::random_device{}());  // backoff jitter
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return !ready_.empty() || stopping_; });
    if (ready_.empty()) {
      return;  // stopping, and nothing is left for this worker
    }
    std::string name = std::move(ready_.front());
    ready_.pop_front();
    Lane& lane = lanes_.at(name);  // stable: only the worker that holds it erases it
    if (!lane.jobs.empty()) {
      Job job = std::move(lane.jobs.front());
      lane.jobs.pop_front();
      lane.overtakers -= job.may_overtake ? 1 : 0;
      run_job(lock, lane, std::move(job), rng);
    }
    if (lane.jobs.empty()) {
      lanes_.erase(name);
      if (idle_locked()) {
        drained_.notify_all();
      }
    } else {
      ready_.push_back(std::move(name));  // behind the other streams: they take turns
      // All: notify_one could wake a worker in a backoff, which goes back to sleep.
      wake_.notify_all();
    }
  }
}

void WriteQueue::run_job(std::unique_lock<std::mutex>& lock, Lane& lane, Job&& job,
                         std::minstd_rand& rng) {
  lane.running = std::move(job);
  lane.abandon.reset();
  // Other threads only read the running job's key and fence, under the lock.
  const Job& running = *lane.running;
  const auto started = std::chrono::steady_clock::now();
  Status result = execute(lock, lane, running, rng);
  const bool abandoned = !result.ok() && lane.abandon.has_value();
  lock.unlock();
  if (running.op == Op::Put && !abandoned && options_.on_put_done) {
    options_.on_put_done(running.key, std::chrono::steady_clock::now() - started, result.ok());
  }
  if (running.done) {
    running.done(result);
  }
  lock.lock();
  release_locked(lane, running);
  if (result.ok()) {
    ++stats_.completed_jobs;
    lane.exhausted = false;
  } else if (lane.abandon) {
    ++stats_.abandoned_jobs;
  } else {
    ++stats_.failed_jobs;
    lane.exhausted = lane.exhausted || result.error().code == Code::ResourceExhausted;
  }
  lane.running.reset();
  lane.abandon.reset();
}

Status WriteQueue::execute(std::unique_lock<std::mutex>& lock, Lane& lane, const Job& job,
                           std::minstd_rand& rng) {
  // After a full disk gave up on one of its jobs, the lane's next ones get one
  // attempt each until one succeeds: the stream is in `error` already, and its
  // backlog must not take minutes of retries to drain.
  const int max_attempts = lane.exhausted ? 1 : std::max(1, options_.max_attempts);
  std::optional<std::chrono::steady_clock::time_point> first_failure;
  for (int n = 1;; ++n) {
    lock.unlock();
    Status s = attempt(job);
    lock.lock();
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
    if (is_permanent(s.error().code) || (n >= max_attempts && !outage) || lane.abandon) {
      if (!lane.abandon) {
        spdlog::error("storage: {} {} failed after {} attempt(s), giving up: {}", op_name(job.op),
                      job.key, n, s.error().describe());
        return s;
      }
      // Already logged by whoever abandoned it.
      Error e = *lane.abandon;
      e.message += " (last attempt: " + s.error().describe() + ")";
      return e;
    }
    // The first retry of a job is worth a line; the rest of an outage is counted.
    if (n == 1) {
      spdlog::warn("storage: {} {} failed, retrying: {}", op_name(job.op), job.key,
                   s.error().describe());
    }
    // A wait on the condition, not a sleep: discard(), claim() and flush_for()'s
    // deadline end the backoff at once instead of after up to max_backoff, and
    // removes that arrive meanwhile run instead of waiting behind this job.
    const auto until = now + backoff(rng, n);
    while (wake_.wait_until(lock, until, [&] { return lane.abandon || lane.overtakers > 0; })) {
      if (lane.abandon) {
        Error e = *lane.abandon;
        e.message += " (last attempt: " + s.error().describe() + ")";
        return e;
      }
      run_removes_locked(lock, lane);
    }
    ++stats_.retries;
  }
}

void WriteQueue::run_removes_locked(std::unique_lock<std::mutex>& lock, Lane& lane) {
  while (lane.overtakers > 0 && !lane.abandon) {
    auto it = std::find_if(lane.jobs.begin(), lane.jobs.end(),
                           [](const Job& j) { return j.may_overtake; });
    Job job = std::move(*it);
    lane.jobs.erase(it);
    --lane.overtakers;
    lock.unlock();
    Status s = attempt(job);
    lock.lock();
    if (!s.ok() && !is_permanent(s.error().code)) {
      // The store fails it too: it waits, with the usual retries, right after
      // the running job (no put of its key was queued before it).
      job.may_overtake = false;
      lane.jobs.push_front(std::move(job));
      return;
    }
    lock.unlock();
    if (job.done) {
      job.done(s);
    }
    lock.lock();
    release_locked(lane, job);
    s.ok() ? ++stats_.completed_jobs : ++stats_.failed_jobs;
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
std::chrono::milliseconds WriteQueue::backoff(std::minstd_rand& rng, int failed_attempts) const {
  auto delay = std::max(options_.initial_backoff, std::chrono::milliseconds(1));
  for (int i = 1; i < failed_attempts && delay < options_.max_backoff; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, options_.max_backoff);
  std::uniform_int_distribution<int64_t> half(0, delay.count() / 2);
  return std::chrono::milliseconds(delay.count() - delay.count() / 2 + half(rng));
}

}  // namespace antcdn::storage
