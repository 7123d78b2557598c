#pragma once

// Records for the store tests: a fresh stream, and a field-by-field comparison
// (StreamRecord has no operator==, and a failure should name its field).

#include <string>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "store/repositories.h"

namespace antcdn::store::test {

inline StreamRecord make_stream(const std::string& owner, const std::string& name) {
  StreamRecord r;
  r.stream_id = ids::new_stream_id(1700000000000);
  r.edge_id = ids::new_edge_id(1700000000000);
  r.owner_key_id = owner;
  r.name = name;
  r.created_at_ms = 1700000000000;
  r.stream_key_hash = ids::credential_hash(ids::new_stream_key());
  return r;
}

inline void expect_same(const StreamRecord& a, const StreamRecord& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.stream_id, b.stream_id);
  EXPECT_EQ(a.edge_id, b.edge_id);
  EXPECT_EQ(a.owner_key_id, b.owner_key_id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.quality, b.quality);
  EXPECT_EQ(a.reconnect_window_s, b.reconnect_window_s);
  EXPECT_EQ(a.created_at_ms, b.created_at_ms);
  EXPECT_EQ(a.started_at_ms, b.started_at_ms);
  EXPECT_EQ(a.ended_at_ms, b.ended_at_ms);
  EXPECT_EQ(a.error_reason, b.error_reason);
  EXPECT_EQ(a.stream_key_hash, b.stream_key_hash);
  EXPECT_EQ(a.ingest_node, b.ingest_node);
  EXPECT_EQ(a.lease_until_ms, b.lease_until_ms);
  EXPECT_EQ(a.recording_enabled, b.recording_enabled);
  EXPECT_EQ(a.recording_retention_days, b.recording_retention_days);
  EXPECT_EQ(a.latency_mode, b.latency_mode);
}

}  // namespace antcdn::store::test
