#pragma once

// The stream state machine of DESIGN.md as a pure function. The supervisor feeds
// it events and applies the side effects the transition asks for; the API asks
// it which control-plane operations the current state allows.

#include <optional>
#include <string_view>

#include "common/result.h"

namespace antcdn::lifecycle {

enum class State { Idle, Connecting, Live, Ended, Error };

enum class Event {
  Publish,         // an encoder presented a valid key (new session or a reconnect)
  SegmentsReady,   // every rendition has a segment at the edge
  Unpublish,       // clean stop: FCUnpublish / deleteStream
  DropBeforeLive,  // encoder left (any way) before this session ever went live
  Drop,            // TCP drop or timeout after the session went live
  WindowExpired,   // the reconnect window ran out
  Kill,            // the server ended the session (forced rotation, shutdown, restart)
  Fail,            // unrecoverable failure: unsupported codec, transcoder or storage down
  HoldExpired,     // an ended stream has been shown as ended long enough
};

struct Transition {
  State next = State::Idle;
  bool new_session = false;      // start a new session (new init/segment names)
  bool resume_session = false;   // continue the session after a reconnect (DISCONTINUITY)
  bool close_playlists = false;  // write EXT-X-ENDLIST
  bool start_reconnect_timer = false;
  bool record_started_at = false;
  bool record_ended_at = false;
};

// Conflict for an event the state does not accept (e.g. a second Publish while live).
Result<Transition> transition(State from, Event event);

// Connecting or live: an encoder holds (or may resume) the stream.
bool is_on_air(State s);

// Control-plane rules: a key rotation (unforced), a delete and a change of
// quality or reconnect window are refused (409) while an encoder is on air.
bool allows_config_change(State s);

std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view s);

}  // namespace antcdn::lifecycle
