#include "net/blocking_pool.h"

#include <spdlog/spdlog.h>

#include "common/blocking.h"

namespace antcdn::net {

BlockingPool::BlockingPool(std::string name, int threads) : name_(std::move(name)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

BlockingPool::~BlockingPool() {
  assert_may_block("BlockingPool join");
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    t.join();
  }
}

void BlockingPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

bool BlockingPool::wait_idle_for(std::chrono::milliseconds limit) {
  assert_may_block("BlockingPool::wait_idle_for");
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, limit, [this] { return jobs_.empty() && running_ == 0; });
}

size_t BlockingPool::pending() const {
  std::lock_guard lock(mutex_);
  return jobs_.size() + running_;
}

void BlockingPool::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      return;  // stopping, and nothing left
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("{}: job failed: {}", name_, e.what());
    }
    job = nullptr;  // destroy what it captured before counting it done
    lock.lock();
    --running_;
    if (jobs_.empty() && running_ == 0) {
      idle_.notify_all();
    }
  }
}

}  // namespace antcdn::net
