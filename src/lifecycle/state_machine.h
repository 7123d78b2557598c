#pragma once

// The stream state machine of DESIGN.md as a pure function. The supervisor feeds
// it events and applies the side effects the transition asks for. The state
// itself, and which control-plane operations it allows, is media::StreamState.

#include <optional>
#include <string_view>

#include "common/result.h"
#include "media/stream_state.h"

namespace antcdn::lifecycle {

using State = media::StreamState;
using media::allows_config_change;
using media::is_on_air;
using media::to_string;

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
  Refuse,          // a publish with a valid key was turned away (node at --max-transcodes)
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

}  // namespace antcdn::lifecycle
