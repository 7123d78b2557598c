#include "app/stream_state_counts.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

namespace antcdn::app {

struct StreamStateCounts::Shared {
  std::mutex mutex;
  std::condition_variable answered;
  bool running = false;
  std::optional<Result<Counts>> answer;
};

StreamStateCounts::StreamStateCounts(Query query, net::BlockingPool& pool)
    : query_(std::move(query)), pool_(pool), shared_(std::make_shared<Shared>()) {}

Result<StreamStateCounts::Counts> StreamStateCounts::get(std::chrono::milliseconds wait) {
  std::unique_lock lock(shared_->mutex);
  if (!shared_->running) {
    shared_->running = true;
    shared_->answer.reset();
    pool_.post([shared = shared_, query = query_] {
      Result<Counts> counts = query();
      std::lock_guard done(shared->mutex);
      shared->answer = std::move(counts);
      shared->running = false;
      shared->answered.notify_all();
    });
  }
  if (!shared_->answered.wait_for(lock, wait, [this] { return !shared_->running; })) {
    return make_error(Code::Unavailable,
                      "the database did not answer within " + std::to_string(wait.count()) + " ms");
  }
  return *shared_->answer;
}

}  // namespace antcdn::app
