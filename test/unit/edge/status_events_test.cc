#include "edge/status_events.h"

#include <gtest/gtest.h>

namespace antcdn::edge {
namespace {

TEST(StatusEvents, MatchesOnlyTheEventsPath) {
  EXPECT_EQ(events_path_edge_id("/live/lse_01h2xcejqtf2nbrexx3vqjhp41/events"),
            "lse_01h2xcejqtf2nbrexx3vqjhp41");
  EXPECT_EQ(events_path_edge_id("/live/lse_nope/events"), std::nullopt);
  EXPECT_EQ(events_path_edge_id("/live/lse_01h2xcejqtf2nbrexx3vqjhp41/status.json"), std::nullopt);
  EXPECT_EQ(events_path_edge_id("/live//events"), std::nullopt);
}

TEST(StatusEvents, StateChangesCarryStatusJsonFields) {
  store::EventRecord e{.event_id = "evt_1",
                       .type = "live_stream.live",
                       .state = "live",
                       .started_at_ms = 1700000000000};
  EXPECT_EQ(status_event_frame(e),
            "id: evt_1\nevent: status\ndata: "
            "{\"state\":\"live\",\"startedAt\":\"2023-11-14T22:13:20Z\",\"endedAt\":null}\n\n");
  e.type = "live_stream.disconnected";
  e.state = "connecting";
  EXPECT_NE(status_event_frame(e)->find("\"state\":\"connecting\""), std::string::npos);
}

TEST(StatusEvents, PrivateChangesAreNotShown) {
  for (const char* type : {"live_stream.updated", "live_stream.key_rotated"}) {
    EXPECT_EQ(status_event_frame({.event_id = "evt_1", .type = type, .state = "idle"}),
              std::nullopt)
        << type;
  }
  EXPECT_EQ(status_event_frame({.event_id = "evt_2", .type = "live_stream.deleted"}),
            "id: evt_2\nevent: deleted\ndata: {}\n\n");
}

}  // namespace
}  // namespace antcdn::edge
