#include "edge/status_events.h"

#include "common/ids.h"
#include "edge/cache_policy.h"
#include "edge/edge_router.h"
#include "edge/status_json.h"
#include "net/sse.h"

namespace antcdn::edge {
namespace {

constexpr std::string_view kPrefix = "/live/";
constexpr std::string_view kSuffix = "/events";
constexpr int kRetryMs = 2000;

bool is_state_change(std::string_view type) {
  for (std::string_view t :
       {"live_stream.connecting", "live_stream.live", "live_stream.disconnected",
        "live_stream.ended", "live_stream.error", "live_stream.idle", "live_stream.created"}) {
    if (type == t) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> events_path_edge_id(std::string_view path) {
  if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix)) {
    return std::nullopt;
  }
  std::string_view id = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  return ids::is_edge_id(id) ? std::optional<std::string>(id) : std::nullopt;
}

std::optional<std::string> status_event_frame(const store::EventRecord& e) {
  if (e.type == "live_stream.deleted") {
    return net::sse_event(e.event_id, "deleted", "{}");
  }
  if (!is_state_change(e.type)) {
    return std::nullopt;
  }
  EdgeStreamInfo info{
      .state = media::parse_stream_state(e.state).value_or(media::StreamState::Idle),
      .started_at_ms = e.started_at_ms,
      .ended_at_ms = e.ended_at_ms};
  return net::sse_event(e.event_id, "status", state_json(info));
}

void StatusEvents::open(const std::string& edge_id, const net::HttpRequest& req,
                        net::HttpRespond respond) {
  store::FeedFilter filter{.edge_id = edge_id};
  if (auto last = req.header("last-event-id")) {
    filter.after_event_id = std::string(*last);
  }
  directory_.lookup_async(edge_id, [this, filter = std::move(filter), respond = std::move(respond)](
                                       std::optional<EdgeStreamInfo> info) mutable {
    if (!info) {
      respond(text_error(404, "not_found", "no such stream or object"));
      return;
    }
    auto out = std::make_shared<net::ResponseStream>();
    (void)out->write(net::sse_retry(kRetryMs));
    // Where the viewer is now; the events that follow are changes from here.
    (void)out->write(net::sse_event("", "status", status_json(*info)));
    feed_.subscribe(std::move(filter),
                    std::make_shared<store::StreamingSubscriber>(
                        out, [](const store::EventRecord& e) { return status_event_frame(e); }));
    net::HttpResponse res;
    res.set("Content-Type", "text/event-stream");
    res.set("Cache-Control", "no-cache");
    res.set("X-Accel-Buffering", "no");
    add_cors_headers(res);
    res.stream = std::move(out);
    respond(std::move(res));
  });
}

}  // namespace antcdn::edge
