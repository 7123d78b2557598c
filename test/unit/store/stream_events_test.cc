#include "store/stream_events.h"

#include <gtest/gtest.h>

#include "unit/store/records.h"

namespace antcdn::store {
namespace {

using media::StreamState;
using Types = std::vector<std::string_view>;

Types after_state(StreamState from, StreamState to) {
  StreamRecord a = test::make_stream("k", "n");
  a.state = from;
  StreamRecord b = a;
  b.state = to;
  return stream_event_types(&a, &b);
}

TEST(StreamEvents, CreatedAndDeleted) {
  StreamRecord r = test::make_stream("k", "n");
  EXPECT_EQ(stream_event_types(nullptr, &r), Types{"live_stream.created"});
  EXPECT_EQ(stream_event_types(&r, nullptr), Types{"live_stream.deleted"});
  EXPECT_TRUE(stream_event_types(nullptr, nullptr).empty());
}

TEST(StreamEvents, EveryStateChange) {
  EXPECT_EQ(after_state(StreamState::Idle, StreamState::Connecting),
            Types{"live_stream.connecting"});
  EXPECT_EQ(after_state(StreamState::Ended, StreamState::Connecting),
            Types{"live_stream.connecting"});
  EXPECT_EQ(after_state(StreamState::Connecting, StreamState::Live), Types{"live_stream.live"});
  EXPECT_EQ(after_state(StreamState::Live, StreamState::Connecting),
            Types{"live_stream.disconnected"});
  EXPECT_EQ(after_state(StreamState::Live, StreamState::Ended), Types{"live_stream.ended"});
  EXPECT_EQ(after_state(StreamState::Connecting, StreamState::Error), Types{"live_stream.error"});
  EXPECT_EQ(after_state(StreamState::Ended, StreamState::Idle), Types{"live_stream.idle"});
  EXPECT_TRUE(after_state(StreamState::Live, StreamState::Live).empty());
}

TEST(StreamEvents, ConfigurationKeyAndLease) {
  StreamRecord a = test::make_stream("k", "n");
  StreamRecord b = a;
  b.lease_until_ms = 99;
  b.ingest_node = "node";
  b.started_at_ms = 5;
  EXPECT_TRUE(stream_event_types(&a, &b).empty());
  b.reconnect_window_s = 5;
  EXPECT_EQ(stream_event_types(&a, &b), Types{"live_stream.updated"});
  b = a;
  b.quality = media::Quality::High;
  EXPECT_EQ(stream_event_types(&a, &b), Types{"live_stream.updated"});
  b = a;
  b.latency_mode = media::LatencyMode::Standard;
  EXPECT_EQ(stream_event_types(&a, &b), Types{"live_stream.updated"});
  b = a;
  b.stream_key_hash = crypto::sha256("new");
  b.state = StreamState::Ended;  // a forced rotation may end the session in the same write
  EXPECT_EQ(stream_event_types(&a, &b), (Types{"live_stream.key_rotated", "live_stream.ended"}));
}

TEST(StreamEvents, KnowsItsTypes) {
  EXPECT_TRUE(is_stream_event_type("live_stream.idle"));
  EXPECT_FALSE(is_stream_event_type("live_stream.paused"));
  EXPECT_FALSE(is_stream_event_type("webhook.test"));
}

}  // namespace
}  // namespace antcdn::store
