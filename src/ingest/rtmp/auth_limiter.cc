#include "ingest/rtmp/auth_limiter.h"

namespace antcdn::ingest::rtmp {

bool AuthLimiter::allowed(const std::string& address, int64_t now_ms) {
  auto it = entries_.find(address);
  if (it == entries_.end() || now_ms - it->second.window_start >= window_ms_) {
    return true;
  }
  return it->second.failures < max_failures_;
}

void AuthLimiter::record_failure(const std::string& address, int64_t now_ms) {
  if (entries_.size() >= max_tracked_) {
    prune(now_ms);
  }
  Entry& e = entries_[address];
  if (now_ms - e.window_start >= window_ms_) {
    e = Entry{now_ms, 0};
  }
  ++e.failures;
}

void AuthLimiter::prune(int64_t now_ms) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now_ms - it->second.window_start >= window_ms_ ? entries_.erase(it) : std::next(it);
  }
  // Still full of fresh entries (a flood from many addresses): start over rather
  // than grow without bound.
  if (entries_.size() >= max_tracked_) {
    entries_.clear();
  }
}

}  // namespace antcdn::ingest::rtmp
