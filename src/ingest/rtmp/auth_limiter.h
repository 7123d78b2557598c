#pragma once

// Limits failed stream-key attempts per source address, so that keys cannot be
// guessed at line rate. Pure: the caller passes the clock.

#include <cstdint>
#include <string>
#include <unordered_map>

namespace antcdn::ingest::rtmp {

class AuthLimiter {
 public:
  AuthLimiter(int max_failures, int64_t window_ms, size_t max_tracked = 100000)
      : max_failures_(max_failures), window_ms_(window_ms), max_tracked_(max_tracked) {}

  // False while `address` has used up its failures for the current window.
  bool allowed(const std::string& address, int64_t now_ms);
  void record_failure(const std::string& address, int64_t now_ms);

 private:
  struct Entry {
    int64_t window_start = 0;
    int failures = 0;
  };
  void prune(int64_t now_ms);

  int max_failures_;
  int64_t window_ms_;
  size_t max_tracked_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace antcdn::ingest::rtmp
