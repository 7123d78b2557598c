#pragma once

// A fixed set of threads for work that may block (database and object-store
// calls, joining a finished transcoder): the event loops hand such work here
// and get their answer posted back. Jobs run in submission order per thread,
// in no particular order across threads.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace antcdn::net {

class BlockingPool {
 public:
  BlockingPool(std::string name, int threads);
  // Runs every queued job, then joins the threads.
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Never blocks; callable from any thread.
  void post(std::function<void()> job);
  // Waits until no job is queued or running, at most `limit`; true when idle.
  bool wait_idle_for(std::chrono::milliseconds limit);
  size_t pending() const;

 private:
  void run();

  const std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> jobs_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace antcdn::net
