#include "record/retention.h"

#include <spdlog/spdlog.h>

#include "common/time_util.h"

namespace antcdn::record {

RetentionJob::RetentionJob(store::RecordingRepository& recordings, RecordingService& service,
                           RetentionOptions options)
    : recordings_(recordings), service_(service), options_(options) {}

RetentionJob::~RetentionJob() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void RetentionJob::start() {
  thread_ = std::thread([this] { loop(); });
}

int RetentionJob::run_once(int64_t now_ms) {
  int deleted = 0;
  for (;;) {
    auto expired = recordings_.list_expired_recordings(now_ms, options_.batch);
    if (!expired.ok()) {
      spdlog::warn("record: retention: {}", expired.error().describe());
      return deleted;
    }
    for (const auto& r : *expired) {
      if (Status s = service_.remove(r); !s.ok()) {
        // Left for the next pass; stop this one so a broken store is not hammered.
        spdlog::warn("record: retention: deleting {}: {}", r.recording_id, s.error().describe());
        return deleted;
      }
      ++deleted;
    }
    if (static_cast<int>(expired->size()) < options_.batch) {
      break;
    }
  }
  if (deleted > 0) {
    spdlog::info("record: retention deleted {} expired recordings", deleted);
  }
  return deleted;
}

void RetentionJob::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    run_once(unix_now_ms());
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace antcdn::record
