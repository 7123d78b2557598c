#include "api/event_streams.h"

#include "api/errors.h"
#include "net/sse.h"

namespace antcdn::api {

net::HttpResponse EventStreams::open(const std::string& owner, const std::string& stream_id,
                                     const net::HttpRequest& req) {
  auto found = streams_.get(stream_id);
  if (!found.ok()) {
    return error_response(found.error());
  }
  if (!*found || (*found)->owner_key_id != owner) {
    return error_response(404, "not_found", "live stream not found");
  }
  auto out = std::make_shared<net::ResponseStream>();
  (void)out->write(net::sse_retry(kSseRetryMs));
  store::FeedFilter filter{.stream_id = stream_id};
  if (auto last = req.header("last-event-id")) {
    filter.after_event_id = std::string(*last);
  } else {
    // The feed starts now, not when its thread gets to it: a change made right
    // after this answer is in it.
    auto head = events_.last_event_seq();
    if (!head.ok()) {
      return error_response(head.error());
    }
    filter.after_seq = *head;
  }
  feed_.subscribe(std::move(filter),
                  std::make_shared<store::StreamingSubscriber>(
                      out, [](const store::EventRecord& e) -> std::optional<std::string> {
                        return net::sse_event(e.event_id, e.type, e.body);
                      }));
  net::HttpResponse res;
  res.set("Content-Type", "text/event-stream");
  res.set("Cache-Control", "no-store");
  res.set("X-Accel-Buffering", "no");  // nginx in front: pass events through at once
  res.stream = std::move(out);
  return res;
}

}  // namespace antcdn::api
