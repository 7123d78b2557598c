#pragma once

// Which events a change of a stream record makes, from the record before and
// after it (a pure function): the outbox derives its events here, inside the
// store's transaction, so every writer (API, supervisor, any node) emits them.

#include <string_view>
#include <vector>

#include "store/repositories.h"

namespace antcdn::store {

// Every event type of a stream, in the order docs/api.md lists them (the
// recording.* events come from store/sql_recordings.cc).
inline constexpr std::string_view kStreamEventTypes[] = {
    "live_stream.created", "live_stream.updated",      "live_stream.connecting",
    "live_stream.live",    "live_stream.disconnected", "live_stream.ended",
    "live_stream.error",   "live_stream.idle",         "live_stream.key_rotated",
    "live_stream.deleted", "recording.ready",          "recording.deleted"};

bool is_stream_event_type(std::string_view type);

// `before` null: created; `after` null: deleted. A state change gives one of
// connecting/live/ended/error/idle (live → connecting is `disconnected`); a new
// key hash gives key_rotated; a new name, quality, latency mode or reconnect
// window gives updated. Changes of the lease, ingest node or timestamps alone give nothing.
std::vector<std::string_view> stream_event_types(const StreamRecord* before,
                                                 const StreamRecord* after);

}  // namespace antcdn::store
