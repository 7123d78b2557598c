#pragma once

// The recordings of the API: GET /v1/live-streams/{id}/recordings (newest
// first, paginated like the streams), GET and DELETE /v1/recordings/{id}.
// Another key's recording (or stream) is answered exactly like a missing one.

#include <functional>
#include <string>

#include "api/dto.h"
#include "net/http_message.h"
#include "store/recording_repository.h"
#include "store/repositories.h"

namespace antcdn::api {

class Recordings {
 public:
  // Deletes a recording's objects and row (record::RecordingService::remove).
  using RemoveHook = std::function<Status(const store::RecordingRecord&)>;

  Recordings(store::StreamRepository& streams, store::RecordingRepository& recordings,
             PublicUrls urls, RemoveHook remove)
      : streams_(streams),
        recordings_(recordings),
        urls_(std::move(urls)),
        remove_(std::move(remove)) {}

  net::HttpResponse list(const std::string& owner, const std::string& stream_id,
                         const net::HttpRequest& req);
  net::HttpResponse get(const std::string& owner, const std::string& recording_id);
  net::HttpResponse remove(const std::string& owner, const std::string& recording_id);

 private:
  Result<store::RecordingRecord> owned(const std::string& owner, const std::string& recording_id);

  store::StreamRepository& streams_;
  store::RecordingRepository& recordings_;
  PublicUrls urls_;
  RemoveHook remove_;
};

}  // namespace antcdn::api
