#include "thumbnail/render_cache.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

namespace antcdn::thumbnail {

RenderCache::RenderCache(RenderCacheOptions options) : options_(std::move(options)) {}

bool RenderCache::join(const std::string& key, ThumbnailCallback done) {
  std::optional<Result<Jpeg>> answer;
  {
    std::lock_guard lock(mutex_);
    Clock::time_point t = now();
    if (auto it = done_.find(key); it != done_.end()) {
      if (t < it->second.expires) {
        answer = it->second.result;
      } else {
        drop(it);
      }
    }
    if (!answer) {
      if (auto it = waiting_.find(key); it != waiting_.end()) {
        it->second.push_back(std::move(done));
        return false;
      }
      if (waiting_.size() >= options_.max_in_flight) {
        answer = Result<Jpeg>(
            make_error(Code::ResourceExhausted, "thumbnail: too many renders in progress"));
      } else {
        waiting_[key].push_back(std::move(done));
        return true;
      }
    }
  }
  done(std::move(*answer));
  return false;
}

void RenderCache::finish(const std::string& key, const Result<Jpeg>& result) {
  std::vector<ThumbnailCallback> waiters;
  {
    std::lock_guard lock(mutex_);
    if (auto it = waiting_.find(key); it != waiting_.end()) {
      waiters = std::move(it->second);
      waiting_.erase(it);
    }
    Clock::time_point t = now();
    Entry entry{result, t + options_.ttl};
    size_t size = bytes_of(entry);
    if ((result.ok() || result.error().code == Code::NotFound) && size <= options_.max_bytes) {
      if (auto old = done_.find(key); old != done_.end()) {
        drop(old);
      }
      make_room(t, size);
      bytes_ += size;
      done_.emplace(key, std::move(entry));
    }
  }
  for (auto& w : waiters) {
    w(result);
  }
}

void RenderCache::drop(std::unordered_map<std::string, Entry>::iterator it) {
  bytes_ -= bytes_of(it->second);
  done_.erase(it);
}

void RenderCache::make_room(Clock::time_point now, size_t bytes) {
  auto full = [&] {
    return done_.size() >= options_.max_entries || bytes_ + bytes > options_.max_bytes;
  };
  if (!full()) {
    return;
  }
  for (auto it = done_.begin(); it != done_.end();) {
    auto next = std::next(it);
    if (it->second.expires <= now) {
      drop(it);
    }
    it = next;
  }
  while (!done_.empty() && full()) {
    drop(std::min_element(done_.begin(), done_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    }));
  }
}

size_t RenderCache::entries_for_test() const {
  std::lock_guard lock(mutex_);
  return done_.size();
}

size_t RenderCache::bytes_for_test() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace antcdn::thumbnail
