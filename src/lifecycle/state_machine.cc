#include "lifecycle/state_machine.h"

#include <string>

namespace antcdn::lifecycle {
namespace {

Transition to(State next) {
  return Transition{.next = next};
}

Transition ending() {
  return Transition{.next = State::Ended, .close_playlists = true, .record_ended_at = true};
}

}  // namespace

Result<Transition> transition(State from, Event event) {
  switch (event) {
    case Event::Publish:
      if (from == State::Idle || from == State::Ended || from == State::Error) {
        return Transition{
            .next = State::Connecting, .new_session = true, .record_started_at = true};
      }
      if (from == State::Connecting) {
        // Only reachable when the supervisor holds a dropped session open: the
        // encoder came back within the window.
        return Transition{.next = State::Connecting, .resume_session = true};
      }
      break;
    case Event::SegmentsReady:
      if (from == State::Connecting || from == State::Live) {
        return to(State::Live);
      }
      break;
    case Event::DropBeforeLive:
    case Event::WindowExpired:
      // Neither can happen once the session is live again.
      if (from == State::Connecting) {
        return ending();
      }
      break;
    case Event::Unpublish:
    case Event::Kill:
      if (from == State::Connecting || from == State::Live) {
        return ending();
      }
      break;
    case Event::Drop:
      if (from == State::Connecting || from == State::Live) {
        return Transition{.next = State::Connecting, .start_reconnect_timer = true};
      }
      break;
    case Event::Fail:
      if (from == State::Connecting || from == State::Live) {
        return Transition{.next = State::Error, .close_playlists = true, .record_ended_at = true};
      }
      break;
    case Event::Refuse:
      // No session started: the stream shows `error` with the reason until
      // the next publish. A stream on air elsewhere is left alone.
      if (from == State::Idle || from == State::Ended || from == State::Error) {
        return to(State::Error);
      }
      break;
    case Event::HoldExpired:
      if (from == State::Ended) {
        return to(State::Idle);
      }
      break;
  }
  return make_error(Code::Conflict, "stream is " + std::string(to_string(from)));
}

}  // namespace antcdn::lifecycle
