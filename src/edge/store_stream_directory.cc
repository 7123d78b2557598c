#include "edge/store_stream_directory.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "common/time_util.h"

namespace antcdn::edge {
namespace {

// Keeps `entry` in a cache of at most `max_entries`: when it is full, expired
// entries go first, then (a burst of distinct ids, all fresh) an arbitrary
// one. Correctness does not depend on the cache; only the database load does.
template <typename Entry>
void remember(std::unordered_map<std::string, Entry>& cache, const std::string& key, Entry entry,
              std::chrono::milliseconds ttl, size_t max_entries) {
  if (cache.size() >= max_entries && !cache.contains(key)) {
    const auto t = entry.fetched_at;
    std::erase_if(cache, [&](const auto& e) { return t - e.second.fetched_at >= ttl; });
    if (cache.size() >= max_entries && !cache.empty()) {
      cache.erase(cache.begin());
    }
  }
  if (max_entries > 0) {
    cache.insert_or_assign(key, std::move(entry));
  }
}

}  // namespace

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

void StoreStreamDirectory::has_recording_async(const std::string& edge_id,
                                               const std::string& recording_id,
                                               RecordingCallback done) {
  std::optional<std::string> known;
  {
    std::lock_guard lock(mutex_);
    if (auto it = recording_cache_.find(recording_id);
        it != recording_cache_.end() && now() - it->second.fetched_at < options_.ttl) {
      known = it->second.edge_id;
    }
  }
  if (known) {
    done(!edge_id.empty() && *known == edge_id);
    return;
  }
  run_in_background([this, edge_id, recording_id, done = std::move(done)] {
    done(!edge_id.empty() && fetch_recording_edge(recording_id) == edge_id);
  });
}

std::string StoreStreamDirectory::fetch_recording_edge(const std::string& recording_id) {
  if (options_.recordings == nullptr) {
    return {};
  }
  auto found = options_.recordings->get_recording(recording_id);
  RecordingEntry entry{.edge_id = {}, .fetched_at = now()};
  std::lock_guard lock(mutex_);
  if (found.ok()) {
    if (*found) {
      entry.edge_id = (*found)->edge_id;
    }
  } else {
    spdlog::warn("edge: recording lookup for {} failed: {}", recording_id,
                 found.error().describe());
    if (auto it = recording_cache_.find(recording_id); it != recording_cache_.end()) {
      entry.edge_id = it->second.edge_id;  // the last known answer, a little longer
    }
  }
  remember(recording_cache_, recording_id, entry, options_.ttl, options_.max_entries);
  return entry.edge_id;
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
  remember(cache_, edge_id, entry, options_.ttl, options_.max_entries);
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

}  // namespace antcdn::edge
