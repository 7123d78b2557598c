#pragma once

// The /v1/live-streams resource: each method is one API call, already
// authenticated; `owner` is the caller's API key id.

#include <functional>
#include <string>

#include "api/dto.h"
#include "lifecycle/session_control.h"
#include "net/http_message.h"
#include "store/repositories.h"

namespace antcdn::api {

class LiveStreams {
 public:
  // Called after a stream is deleted, to remove its media.
  using DeletedHook = std::function<void(const store::StreamRecord&)>;

  // POST answers 429 once the caller's key owns this many streams.
  static constexpr int64_t kDefaultMaxStreamsPerKey = 1000;

  // `figures` (health, viewers) may be null: the resource then shows none.
  LiveStreams(store::StreamRepository& streams, PublicUrls urls,
              lifecycle::SessionControl* sessions, DeletedHook on_deleted = {},
              int64_t max_streams_per_key = kDefaultMaxStreamsPerKey,
              store::LiveStatsRepository* figures = nullptr)
      : streams_(streams),
        urls_(std::move(urls)),
        sessions_(sessions),
        on_deleted_(std::move(on_deleted)),
        max_streams_per_key_(max_streams_per_key),
        figures_(figures) {}

  // What `recording` a create leaves out defaults to (--recording-default,
  // --recording-retention-days).
  void set_recording_defaults(bool enabled, int retention_days) {
    default_recording_ = enabled;
    default_retention_days_ = retention_days;
  }

  net::HttpResponse create(const std::string& owner, const net::HttpRequest& req);
  net::HttpResponse get(const std::string& owner, const std::string& stream_id);
  net::HttpResponse list(const std::string& owner, const net::HttpRequest& req);
  net::HttpResponse patch(const std::string& owner, const std::string& stream_id,
                          const net::HttpRequest& req);
  net::HttpResponse rotate_key(const std::string& owner, const std::string& stream_id,
                               const net::HttpRequest& req);
  net::HttpResponse remove(const std::string& owner, const std::string& stream_id);

 private:
  store::StreamRepository& streams_;
  PublicUrls urls_;
  lifecycle::SessionControl* sessions_;  // null when this node runs no ingest
  DeletedHook on_deleted_;
  // The stream's health and viewers; none without a figures repository.
  Result<LiveFigures> figures_of(const store::StreamRecord& stream);
  // The same after a write the caller must not fail: a store error shows none.
  LiveFigures figures_after_write(const store::StreamRecord& stream);

  int64_t max_streams_per_key_;
  store::LiveStatsRepository* figures_;  // may be null
  bool default_recording_ = true;
  int default_retention_days_ = 7;
};

}  // namespace antcdn::api
