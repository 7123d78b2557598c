#pragma once

// A stream's state (DESIGN.md, Stream states) as a value type. It sits below
// the stages because several of them read it: the store persists it, the API
// and the edge report it, and lifecycle's state machine moves it.

#include <optional>
#include <string_view>

namespace antcdn::media {

enum class StreamState { Idle, Connecting, Live, Ended, Error };

inline std::string_view to_string(StreamState s) {
  switch (s) {
    case StreamState::Idle:
      return "idle";
    case StreamState::Connecting:
      return "connecting";
    case StreamState::Live:
      return "live";
    case StreamState::Ended:
      return "ended";
    case StreamState::Error:
      return "error";
  }
  return "idle";
}

inline std::optional<StreamState> parse_stream_state(std::string_view s) {
  for (StreamState st : {StreamState::Idle, StreamState::Connecting, StreamState::Live,
                         StreamState::Ended, StreamState::Error}) {
    if (to_string(st) == s) {
      return st;
    }
  }
  return std::nullopt;
}

// Connecting or live: an encoder holds (or may resume) the stream.
inline bool is_on_air(StreamState s) {
  return s == StreamState::Connecting || s == StreamState::Live;
}

// Control-plane rules: a key rotation (unforced), a delete and a change of
// quality or reconnect window are refused (409) while an encoder is on air.
inline bool allows_config_change(StreamState s) {
  return !is_on_air(s);
}

}  // namespace antcdn::media
