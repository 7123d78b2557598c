#pragma once

// Deletes expired recordings (ended + the stream's retentionDays) on its own
// thread, never on an event loop: every `interval`, up to `batch` recordings
// a pass, objects first (RecordingService::remove: one prefix removal each,
// DeleteObjects batches of up to 1,000 keys on S3), then rows, until none is
// left. Several nodes may run it on one store: deleting twice is harmless.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "record/recording_service.h"
#include "store/recording_repository.h"

namespace antcdn::record {

struct RetentionOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(10)};
  int batch = 100;
};

class RetentionJob {
 public:
  RetentionJob(store::RecordingRepository& recordings, RecordingService& service,
               RetentionOptions options = {});
  ~RetentionJob();  // stops and joins
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  void start();
  // One pass (tests; the thread calls it): how many recordings it deleted.
  int run_once(int64_t now_ms);

 private:
  void loop();

  store::RecordingRepository& recordings_;
  RecordingService& service_;
  const RetentionOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace antcdn::record
