#pragma once

// The public status of a stream, as /live/{edgeId}/status.json and the edge's
// event feed (/live/{edgeId}/events) show it.

#include <string>

#include "edge/stream_directory.h"

namespace antcdn::edge {

// {"state":…,"startedAt":…,"endedAt":…}
std::string status_json(const EdgeStreamInfo& info);

}  // namespace antcdn::edge
