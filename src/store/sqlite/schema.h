#pragma once

#include <array>
#include <string_view>

namespace antcdn::store::sqlite {

// Migrations, applied in order; PRAGMA user_version records how many ran.
inline constexpr std::array<std::string_view, 6> kMigrations = {
    R"sql(
CREATE TABLE api_keys (
  key_id        TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  key_hash      BLOB NOT NULL UNIQUE,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
);
CREATE TABLE streams (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id          TEXT NOT NULL UNIQUE,
  edge_id            TEXT NOT NULL UNIQUE,
  owner_key_id       TEXT NOT NULL,
  name               TEXT NOT NULL,
  state              TEXT NOT NULL,
  quality            TEXT NOT NULL,
  reconnect_window_s INTEGER NOT NULL,
  created_at_ms      INTEGER NOT NULL,
  started_at_ms      INTEGER,
  ended_at_ms        INTEGER,
  error_reason       TEXT NOT NULL DEFAULT '',
  stream_key_hash    BLOB NOT NULL UNIQUE
);
CREATE INDEX streams_by_owner ON streams (owner_key_id, seq);
)sql",
    // 2: multi-node ingest leases. Existing rows get "no node holds it".
    R"sql(
ALTER TABLE streams ADD COLUMN ingest_node TEXT NOT NULL DEFAULT '';
ALTER TABLE streams ADD COLUMN lease_until_ms INTEGER;
)sql",
    // 3: live figures of streams on air (live_stats_repository.h), written by
    // ingest and edge nodes every few seconds; no foreign keys: rows are
    // keyed by ids that are never reused and purged by age.
    R"sql(
CREATE TABLE stream_health (
  stream_id        TEXT PRIMARY KEY,
  node_id          TEXT NOT NULL,
  updated_at_ms    INTEGER NOT NULL,
  status           TEXT NOT NULL,
  reason           TEXT NOT NULL DEFAULT '',
  video_kbps       INTEGER NOT NULL,
  audio_kbps       INTEGER NOT NULL,
  fps_milli        INTEGER NOT NULL,
  keyframe_ms      INTEGER,
  width            INTEGER,
  height           INTEGER,
  video_codec      TEXT NOT NULL,
  audio_codec      TEXT NOT NULL,
  last_frame_at_ms INTEGER,
  dropped_gops     INTEGER NOT NULL
);
CREATE TABLE stream_viewers (
  edge_id       TEXT NOT NULL,
  node_id       TEXT NOT NULL,
  viewers       INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (edge_id, node_id)
);
CREATE INDEX stream_viewers_by_node ON stream_viewers (node_id, updated_at_ms);
)sql",
    // 4: webhooks and the event outbox (stream_outbox.h): events are written in
    // the transaction of the stream change; deliveries fan out from them.
    R"sql(
CREATE TABLE webhooks (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id    TEXT NOT NULL UNIQUE,
  owner_key_id  TEXT NOT NULL,
  url           TEXT NOT NULL,
  events        TEXT NOT NULL,
  description   TEXT NOT NULL,
  secret        TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX webhooks_by_owner ON webhooks (owner_key_id, seq);
CREATE TABLE stream_events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id      TEXT NOT NULL UNIQUE,
  type          TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  edge_id       TEXT NOT NULL,
  owner_key_id  TEXT NOT NULL,
  state         TEXT NOT NULL,
  started_at_ms INTEGER,
  ended_at_ms   INTEGER,
  created_at_ms INTEGER NOT NULL,
  body          TEXT NOT NULL
);
CREATE INDEX stream_events_by_stream ON stream_events (stream_id, seq);
CREATE TABLE webhook_deliveries (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id      TEXT NOT NULL,
  event_seq       INTEGER NOT NULL,
  ordering_key    TEXT NOT NULL,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  lease_node      TEXT NOT NULL DEFAULT '',
  lease_until_ms  INTEGER,
  updated_at_ms   INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, ordering_key, event_seq);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_seq);
CREATE TABLE webhook_attempts (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id    TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  type          TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  status_code   INTEGER,
  error         TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  time_ms       INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts (webhook_id, seq);
)sql",
    // 5: recordings (recording_repository.h). Existing streams are recorded for 7 days.
    R"sql(
ALTER TABLE streams ADD COLUMN recording_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE streams ADD COLUMN recording_retention_days INTEGER NOT NULL DEFAULT 7;
CREATE TABLE recordings (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  recording_id   TEXT NOT NULL UNIQUE,
  stream_id      TEXT NOT NULL,
  edge_id        TEXT NOT NULL,
  owner_key_id   TEXT NOT NULL,
  node_id        TEXT NOT NULL,
  state          TEXT NOT NULL,
  started_at_ms  INTEGER NOT NULL,
  ended_at_ms    INTEGER,
  duration_ms    INTEGER NOT NULL DEFAULT 0,
  has_mp4        INTEGER NOT NULL DEFAULT 0,
  retention_days INTEGER NOT NULL,
  expires_at_ms  INTEGER
);
CREATE INDEX recordings_by_stream ON recordings (stream_id, seq);
CREATE INDEX recordings_by_expiry ON recordings (expires_at_ms);
CREATE INDEX recordings_open ON recordings (state, node_id);
)sql",
    // 6: LL-HLS per stream (issue 14). Existing streams get the API's default,
    // "low": LL tags are ignored by players that do not know them.
    R"sql(
ALTER TABLE streams ADD COLUMN latency_mode TEXT NOT NULL DEFAULT 'low';
)sql",
};

}  // namespace antcdn::store::sqlite
