#pragma once

// StreamDirectory over the stream repository, with a short TTL cache: every
// playlist and segment request asks for its stream, and a player polls a
// playlist every second or two, so the database sees at most one query per
// edge id per TTL. Unknown ids are cached too (a viewer page polling a deleted
// stream must not become a database load), and the cache is bounded so random
// ids cannot grow it without limit. When the database fails, the last known
// answer is served a little longer instead of turning a live stream into 404s,
// and lookup_async answers from an expired entry while it is refreshed, so a
// database that hangs holds no viewer.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "edge/stream_directory.h"
#include "store/live_stats_repository.h"
#include "store/repositories.h"

namespace antcdn::edge {

struct StoreStreamDirectoryOptions {
  std::chrono::milliseconds ttl{1000};
  // lookup_async answers from an expired entry up to this old at once and
  // refreshes it in the background, so a database that hangs never holds viewers.
  std::chrono::milliseconds serve_stale{60000};
  size_t max_entries = 10000;
  // Injected by tests; steady_clock::now when empty.
  std::function<std::chrono::steady_clock::time_point()> now;
  // Where lookup_async queries the database (a pool that may block); inline when empty.
  std::function<void(std::function<void()>)> background;
  // Where the viewer counts of every edge node are read (null: always 0);
  // rows older than figures_fresh_ms are left out.
  store::LiveStatsRepository* figures = nullptr;
  int64_t figures_fresh_ms = 10000;
  // Where the latest recording of a stream that is not on air is read (null: no replay).
  store::RecordingRepository* recordings = nullptr;
  // Unix ms for the freshness bound; unix_now_ms when empty (tests inject it).
  std::function<int64_t()> unix_now_ms;
};

class StoreStreamDirectory final : public StreamDirectory {
 public:
  explicit StoreStreamDirectory(store::StreamRepository& streams,
                                StoreStreamDirectoryOptions options = {});

  std::optional<EdgeStreamInfo> lookup(const std::string& edge_id) override;
  void lookup_async(const std::string& edge_id, LookupCallback done) override;
  // Cached like streams (one query per recording per TTL); a failing database
  // keeps the last answer, and without one a recording is not found.
  void has_recording_async(const std::string& edge_id, const std::string& recording_id,
                           RecordingCallback done) override;

  size_t cached_entries() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    std::optional<EdgeStreamInfo> info;
    TimePoint fetched_at;
  };
  // A recording's stream, by its edge id ("" when there is no such recording).
  struct RecordingEntry {
    std::string edge_id;
    TimePoint fetched_at;
  };

  TimePoint now() const;
  // The cached answer while it is fresh; otherwise nullopt and the stale entry, if any.
  std::optional<std::optional<EdgeStreamInfo>> cached(const std::string& edge_id,
                                                      std::optional<Entry>& stale) const;
  std::optional<EdgeStreamInfo> fetch(const std::string& edge_id,
                                      const std::optional<Entry>& stale);
  void run_in_background(std::function<void()> job);
  std::string fetch_recording_edge(const std::string& recording_id);
  // The stream's viewers over every node; a store error keeps the last known count.
  // The stream's latest recording, if ready, into `info` (replay_path).
  void replay_of(const store::StreamRecord& record, EdgeStreamInfo& info);
  int64_t viewers_of(const std::string& edge_id, const std::optional<Entry>& stale);

  store::StreamRepository& streams_;
  StoreStreamDirectoryOptions options_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
  std::unordered_map<std::string, RecordingEntry> recording_cache_;  // by recording id
  std::unordered_set<std::string> refreshing_;  // background refreshes in flight
};

}  // namespace antcdn::edge
