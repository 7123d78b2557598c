#pragma once

// GET /v1/live-streams/{streamId}/events: the stream's events as server-sent
// events, in the envelopes webhooks receive (`id:` is the event id,
// `event:` its type, `data:` the envelope). Last-Event-ID resumes from the
// outbox; without it the feed starts with the next event. A comment every
// 15 s keeps proxies from closing an idle connection.

#include <string>

#include "net/http_message.h"
#include "store/event_feed.h"
#include "store/repositories.h"

namespace antcdn::api {

class EventStreams {
 public:
  EventStreams(store::StreamRepository& streams, store::WebhookRepository& events,
               store::EventFeed& feed)
      : streams_(streams), events_(events), feed_(feed) {}

  // Already authenticated; another key's stream is a 404 like a missing one.
  net::HttpResponse open(const std::string& owner, const std::string& stream_id,
                         const net::HttpRequest& req);

 private:
  store::StreamRepository& streams_;
  store::WebhookRepository& events_;
  store::EventFeed& feed_;
};

// How long a client waits before reconnecting (the SSE `retry:` field), ms.
inline constexpr int kSseRetryMs = 2000;

}  // namespace antcdn::api
