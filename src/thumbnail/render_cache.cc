#include "thumbnail/render_cache.h"

#include <algorithm>
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
        done_.erase(it);
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
    if (result.ok() || result.error().code == Code::NotFound) {
      Clock::time_point t = now();
      done_.erase(key);
      make_room(t);
      done_.emplace(key, Entry{result, t + options_.ttl});
    }
  }
  for (auto& w : waiters) {
    w(result);
  }
}

void RenderCache::make_room(Clock::time_point now) {
  if (done_.size() < options_.max_entries) {
    return;
  }
  std::erase_if(done_, [now](const auto& kv) { return kv.second.expires <= now; });
  while (!done_.empty() && done_.size() >= options_.max_entries) {
    auto soonest = std::min_element(done_.begin(), done_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    });
    done_.erase(soonest);
  }
}

size_t RenderCache::entries_for_test() const {
  std::lock_guard lock(mutex_);
  return done_.size();
}

}  // namespace antcdn::thumbnail
