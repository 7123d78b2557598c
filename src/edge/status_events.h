#pragma once

// GET /live/{edgeId}/events on the edge: the public status of a stream as
// server-sent events, no key. The first event is the current status; then one
// `status` event (with status.json's fields, `id:` the event id) for each
// state change, and `deleted` when the stream is deleted (the feed ends).
// Last-Event-ID resumes from the outbox. Never blocks: the lookup answers
// through a callback, the feed reads the store on its own thread.

#include <optional>
#include <string>

#include "edge/stream_directory.h"
#include "net/http_message.h"
#include "net/http_server.h"
#include "store/event_feed.h"

namespace antcdn::edge {

class StatusEvents {
 public:
  StatusEvents(StreamDirectory& directory, store::EventFeed& feed)
      : directory_(directory), feed_(feed) {}

  void open(const std::string& edge_id, const net::HttpRequest& req, net::HttpRespond respond);

 private:
  StreamDirectory& directory_;
  store::EventFeed& feed_;
};

// The edge id of "/live/{edgeId}/events", or nullopt.
std::optional<std::string> events_path_edge_id(std::string_view path);

// The frame of an outbox event on the public feed; nullopt for events it does
// not show (configuration changes, key rotations).
std::optional<std::string> status_event_frame(const store::EventRecord& event);

}  // namespace antcdn::edge
