#include "edge/store_stream_directory.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "common/time_util.h"

namespace antcdn::edge {

StoreStreamDirectory::StoreStreamDirectory(store::StreamRepository& streams,
                                           StoreStreamDirectoryOptions options)
    : streams_(streams), options_(std::move(options)) {}

std::optional<std::optional<EdgeStreamInfo>> StoreStreamDirectory::cached(
    const std::string& edge_id, std::optional<Entry>& stale) const {
  std::lock_guard lock(mutex_);
  if (auto it = cache_.find(edge_id); it != cache_.end()) {
    if (now() - it->second.fetched_at < options_.ttl) {
      return it->second.info;
    }
    stale = it->second;
  }
  return std::nullopt;
}

std::optional<EdgeStreamInfo> StoreStreamDirectory::lookup(const std::string& edge_id) {
  std::optional<Entry> stale;
  if (auto hit = cached(edge_id, stale)) {
    return *hit;
  }
  return fetch(edge_id, stale);
}

void StoreStreamDirectory::lookup_async(const std::string& edge_id, LookupCallback done) {
  std::optional<Entry> stale;
  if (auto hit = cached(edge_id, stale)) {
    done(*hit);
    return;
  }
  if (stale && now() - stale->fetched_at < options_.ttl + options_.serve_stale) {
    done(stale->info);
    {
      std::lock_guard lock(mutex_);
      if (!refreshing_.insert(edge_id).second) {
        return;
      }
    }
    run_in_background([this, edge_id, stale] {
      (void)fetch(edge_id, stale);
      std::lock_guard lock(mutex_);
      refreshing_.erase(edge_id);
    });
    return;
  }
  run_in_background(
      [this, edge_id, stale, done = std::move(done)] { done(fetch(edge_id, stale)); });
}

void StoreStreamDirectory::run_in_background(std::function<void()> job) {
  if (options_.background) {
    options_.background(std::move(job));
  } else {
    job();
  }
}

std::optional<EdgeStreamInfo> StoreStreamDirectory::fetch(const std::string& edge_id,
                                                          const std::optional<Entry>& stale) {
  const TimePoint t = now();
  // The query runs unlocked: lookups of other ids must not queue behind it.
  auto found = streams_.find_by_edge_id(edge_id);
  Entry entry{std::nullopt, t};
  if (found.ok()) {
    if (const auto& record = *found) {
      entry.info = EdgeStreamInfo{.state = record->state,
                                  .started_at_ms = record->started_at_ms,
                                  .ended_at_ms = record->ended_at_ms,
                                  .latency_mode = record->latency_mode};
      if (record->state != media::StreamState::Idle) {
        entry.info->viewers = viewers_of(edge_id, stale);
      }
      if (!media::is_on_air(record->state)) {
        replay_of(*record, *entry.info);
      }
    }
  } else {
    spdlog::warn("edge: stream lookup for {} failed: {}", edge_id, found.error().describe());
    if (stale) {
      entry.info = stale->info;
    }
  }
  std::lock_guard lock(mutex_);
  remember_locked(edge_id, entry);
  return entry.info;
}

void StoreStreamDirectory::replay_of(const store::StreamRecord& record, EdgeStreamInfo& info) {
  if (options_.recordings == nullptr) {
    return;
  }
  auto latest = options_.recordings->list_recordings(record.stream_id, 1, std::nullopt);
  if (!latest.ok()) {
    spdlog::warn("edge: recordings of {}: {}", record.edge_id, latest.error().describe());
    return;
  }
  if (!latest->empty() && latest->front().state == store::RecordingState::Ready) {
    info.replay_path = "/vod/" + record.edge_id + "/" + latest->front().recording_id;
    info.replay_has_mp4 = latest->front().has_mp4;
  }
}

int64_t StoreStreamDirectory::viewers_of(const std::string& edge_id,
                                         const std::optional<Entry>& stale) {
  if (options_.figures == nullptr) {
    return 0;
  }
  int64_t now_ms = options_.unix_now_ms ? options_.unix_now_ms() : unix_now_ms();
  auto viewers = options_.figures->count_viewers(edge_id, now_ms - options_.figures_fresh_ms);
  if (!viewers.ok()) {
    spdlog::warn("edge: viewer count for {} failed: {}", edge_id, viewers.error().describe());
    return stale && stale->info ? stale->info->viewers : 0;
  }
  return *viewers;
}

size_t StoreStreamDirectory::cached_entries() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

StoreStreamDirectory::TimePoint StoreStreamDirectory::now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

void StoreStreamDirectory::remember_locked(const std::string& edge_id, Entry entry) {
  if (cache_.size() >= options_.max_entries && !cache_.contains(edge_id)) {
    const TimePoint t = entry.fetched_at;
    std::erase_if(cache_, [&](const auto& e) { return t - e.second.fetched_at >= options_.ttl; });
    // All fresh (a burst of distinct ids): drop an arbitrary one. Correctness
    // does not depend on the cache; only the database load does.
    if (cache_.size() >= options_.max_entries && !cache_.empty()) {
      cache_.erase(cache_.begin());
    }
  }
  if (options_.max_entries > 0) {
    cache_.insert_or_assign(edge_id, std::move(entry));
  }
}

}  // namespace antcdn::edge
