#pragma once

// Entry point of the API listener: matches the route, then checks method,
// credentials and content type before handing the call to LiveStreams.

#include <optional>

#include "api/event_streams.h"
#include "api/live_streams.h"
#include "api/recordings.h"
#include "api/webhooks.h"
#include "net/http_message.h"
#include "store/repositories.h"

namespace antcdn::api {

class Router {
 public:
  // Without `webhooks`, /v1/webhooks answers 404; without `events`,
  // /v1/live-streams/{id}/events does.
  Router(store::ApiKeyRepository& keys, LiveStreams& streams, Webhooks* webhooks = nullptr,
         EventStreams* events = nullptr)
      : keys_(keys), streams_(streams), webhooks_(webhooks), events_(events) {}

  // What needs no database (health, console, unknown routes and methods);
  // nullopt when handle() must run, on a thread that may block.
  std::optional<net::HttpResponse> answer_without_store(const net::HttpRequest& req);
  // Without it, the recordings routes answer 404.
  void set_recordings(Recordings* recordings) { recordings_ = recordings; }
  // Any request; calls the store.
  net::HttpResponse handle(const net::HttpRequest& req);

 private:
  store::ApiKeyRepository& keys_;
  LiveStreams& streams_;
  Webhooks* webhooks_;
  EventStreams* events_;
  Recordings* recordings_ = nullptr;
};

}  // namespace antcdn::api
