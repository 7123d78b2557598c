#include "lifecycle/state_machine.h"

#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace antcdn::lifecycle {
namespace {

struct Edge {
  State from;
  Event event;
  State to;
};

// Every edge of the DESIGN.md diagram.
const std::vector<Edge> kEdges = {
    {State::Idle, Event::Publish, State::Connecting},
    {State::Ended, Event::Publish, State::Connecting},
    {State::Error, Event::Publish, State::Connecting},
    {State::Connecting, Event::Publish, State::Connecting},  // reconnect within window
    {State::Connecting, Event::SegmentsReady, State::Live},
    {State::Live, Event::SegmentsReady, State::Live},
    {State::Connecting, Event::DropBeforeLive, State::Ended},
    {State::Connecting, Event::Unpublish, State::Ended},
    {State::Live, Event::Unpublish, State::Ended},
    {State::Live, Event::Drop, State::Connecting},
    {State::Connecting, Event::Drop, State::Connecting},
    {State::Connecting, Event::WindowExpired, State::Ended},
    {State::Live, Event::Kill, State::Ended},
    {State::Connecting, Event::Kill, State::Ended},
    {State::Live, Event::Fail, State::Error},
    {State::Connecting, Event::Fail, State::Error},
    {State::Ended, Event::HoldExpired, State::Idle},
    // A publish turned away (--max-transcodes): shown as `error`; never while on air.
    {State::Idle, Event::Refuse, State::Error},
    {State::Ended, Event::Refuse, State::Error},
    {State::Error, Event::Refuse, State::Error},
};

TEST(StateMachine, EveryDiagramEdge) {
  for (const auto& e : kEdges) {
    auto t = transition(e.from, e.event);
    ASSERT_TRUE(t.ok()) << to_string(e.from) << " event " << static_cast<int>(e.event);
    EXPECT_EQ(t->next, e.to) << to_string(e.from) << " event " << static_cast<int>(e.event);
  }
}

TEST(StateMachine, EverythingElseIsAConflict) {
  const std::vector<State> states = {State::Idle, State::Connecting, State::Live, State::Ended,
                                     State::Error};
  const std::vector<Event> events = {
      Event::Publish,     Event::SegmentsReady, Event::Unpublish, Event::DropBeforeLive,
      Event::Drop,        Event::WindowExpired, Event::Kill,      Event::Fail,
      Event::HoldExpired, Event::Refuse};
  for (State s : states) {
    for (Event ev : events) {
      bool listed = false;
      for (const auto& e : kEdges) {
        listed = listed || (e.from == s && e.event == ev);
      }
      if (!listed) {
        auto t = transition(s, ev);
        ASSERT_FALSE(t.ok()) << to_string(s) << " event " << static_cast<int>(ev);
        EXPECT_EQ(t.error().code, Code::Conflict);
      }
    }
  }
}

TEST(StateMachine, SideEffects) {
  auto start = transition(State::Ended, Event::Publish);
  EXPECT_TRUE(start->new_session);
  EXPECT_TRUE(start->record_started_at);
  auto resume = transition(State::Connecting, Event::Publish);
  EXPECT_TRUE(resume->resume_session);
  EXPECT_FALSE(resume->new_session);
  auto drop = transition(State::Live, Event::Drop);
  EXPECT_TRUE(drop->start_reconnect_timer);
  EXPECT_FALSE(drop->close_playlists);
  auto stop = transition(State::Live, Event::Unpublish);
  EXPECT_TRUE(stop->close_playlists);
  EXPECT_TRUE(stop->record_ended_at);
  auto fail = transition(State::Live, Event::Fail);
  EXPECT_TRUE(fail->close_playlists);
}

TEST(StateMachine, ConfigChangesOnlyOffAir) {
  EXPECT_TRUE(allows_config_change(State::Idle));
  EXPECT_TRUE(allows_config_change(State::Ended));
  EXPECT_TRUE(allows_config_change(State::Error));
  EXPECT_FALSE(allows_config_change(State::Connecting));
  EXPECT_FALSE(allows_config_change(State::Live));
}

TEST(StateMachine, StateNamesRoundTrip) {
  for (State s : {State::Idle, State::Connecting, State::Live, State::Ended, State::Error}) {
    EXPECT_EQ(media::parse_stream_state(to_string(s)), s);
  }
  EXPECT_FALSE(media::parse_stream_state("LIVE").has_value());
}

}  // namespace
}  // namespace antcdn::lifecycle
