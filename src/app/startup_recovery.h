#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace antcdn::app {

// Restart recovery ends the sessions this node had on air when it stopped and
// closes their playlists. The listeners open only after it (within a budget),
// so no client sees a dead session as live, or its playlist without ENDLIST.
class StartupRecovery {
 public:
  // Wraps the closing of one abandoned session's playlists so that the wait
  // covers it. Call before posting the job (the supervisor's first pass does).
  std::function<void()> track(std::function<void()> job) {
    {
      std::lock_guard lock(state_->mutex);
      ++state_->pending;
    }
    return [state = state_, job = std::move(job)] {
      job();
      std::lock_guard lock(state->mutex);
      --state->pending;
      state->changed.notify_all();
    };
  }

  // The supervisor's first watch pass finished (whether the store answered or not).
  void watched() {
    std::lock_guard lock(state_->mutex);
    state_->watched = true;
    state_->changed.notify_all();
  }

  // Main thread, before the listeners open. False when the budget ran out.
  bool wait_for(std::chrono::milliseconds budget) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, budget,
                                    [&] { return state_->watched && state_->pending == 0; });
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    int pending = 0;
    bool watched = false;
  };
  // Shared with the tracked jobs, which may outlive a wait that timed out.
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace antcdn::app
