#include "store/stream_events.h"

#include <algorithm>

namespace antcdn::store {
namespace {

std::string_view state_event(media::StreamState from, media::StreamState to) {
  using media::StreamState;
  switch (to) {
    case StreamState::Connecting:
      // An encoder dropped after going live; the reconnect window is open.
      return from == StreamState::Live ? "live_stream.disconnected" : "live_stream.connecting";
    case StreamState::Live:
      return "live_stream.live";
    case StreamState::Ended:
      return "live_stream.ended";
    case StreamState::Error:
      return "live_stream.error";
    case StreamState::Idle:
      return "live_stream.idle";
  }
  return "live_stream.updated";
}

}  // namespace

bool is_stream_event_type(std::string_view type) {
  return std::find(std::begin(kStreamEventTypes), std::end(kStreamEventTypes), type) !=
         std::end(kStreamEventTypes);
}

std::vector<std::string_view> stream_event_types(const StreamRecord* before,
                                                 const StreamRecord* after) {
  if (before == nullptr && after == nullptr) {
    return {};
  }
  if (before == nullptr) {
    return {"live_stream.created"};
  }
  if (after == nullptr) {
    return {"live_stream.deleted"};
  }
  std::vector<std::string_view> out;
  if (before->name != after->name || before->quality != after->quality ||
      before->reconnect_window_s != after->reconnect_window_s ||
      before->recording_enabled != after->recording_enabled ||
      before->recording_retention_days != after->recording_retention_days ||
      before->latency_mode != after->latency_mode) {
    out.emplace_back("live_stream.updated");
  }
  if (before->stream_key_hash != after->stream_key_hash) {
    out.emplace_back("live_stream.key_rotated");
  }
  if (before->state != after->state) {
    out.push_back(state_event(before->state, after->state));
  }
  return out;
}

}  // namespace antcdn::store
