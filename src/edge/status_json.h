#pragma once

// The public status of a stream, as /live/{edgeId}/status.json and the edge's
// event feed (/live/{edgeId}/events) show it.

#include <string>

#include "edge/stream_directory.h"

namespace antcdn::edge {

// {"state":…,"startedAt":…,"endedAt":…,"viewers":…,"latencyMode":…}:
// status.json, and the first frame of the event feed (where the stream is now).
std::string status_json(const EdgeStreamInfo& info);
// The same without "viewers" and "latencyMode": the feed's state-change events, which come from
// the outbox and do not know the audience of that moment.
std::string state_json(const EdgeStreamInfo& info);

}  // namespace antcdn::edge
