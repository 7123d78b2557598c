#pragma once

#include <array>
#include <string_view>

namespace antcdn::store::postgres {

// Migrations, applied in order inside one transaction; schema_version holds one
// row per migration applied. The tables mirror store/sqlite/schema.h. There was
// never a PostgreSQL database without the lease columns (SQLite's migration 2),
// so version 1 has them. Append new migrations; never edit applied ones.
inline constexpr std::array<std::string_view, 5> kMigrations = {
    R"sql(
CREATE TABLE api_keys (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key_id        TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  key_hash      BYTEA NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT
);
CREATE TABLE streams (
  seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id          TEXT NOT NULL UNIQUE,
  edge_id            TEXT NOT NULL UNIQUE,
  owner_key_id       TEXT NOT NULL,
  name               TEXT NOT NULL,
  state              TEXT NOT NULL,
  quality            TEXT NOT NULL,
  reconnect_window_s INTEGER NOT NULL,
  created_at_ms      BIGINT NOT NULL,
  started_at_ms      BIGINT,
  ended_at_ms        BIGINT,
  error_reason       TEXT NOT NULL DEFAULT '',
  stream_key_hash    BYTEA NOT NULL UNIQUE,
  ingest_node        TEXT NOT NULL DEFAULT '',
  lease_until_ms     BIGINT
);
CREATE INDEX streams_by_owner ON streams (owner_key_id, seq);
CREATE INDEX streams_on_air ON streams (state) WHERE state IN ('connecting', 'live');
)sql",
    // 2: live figures of streams on air (live_stats_repository.h); see
    // store/sqlite/schema.h, migration 3.
    R"sql(
CREATE TABLE stream_health (
  stream_id        TEXT PRIMARY KEY,
  node_id          TEXT NOT NULL,
  updated_at_ms    BIGINT NOT NULL,
  status           TEXT NOT NULL,
  reason           TEXT NOT NULL DEFAULT '',
  video_kbps       BIGINT NOT NULL,
  audio_kbps       BIGINT NOT NULL,
  fps_milli        BIGINT NOT NULL,
  keyframe_ms      BIGINT,
  width            INTEGER,
  height           INTEGER,
  video_codec      TEXT NOT NULL,
  audio_codec      TEXT NOT NULL,
  last_frame_at_ms BIGINT,
  dropped_gops     BIGINT NOT NULL
);
CREATE TABLE stream_viewers (
  edge_id       TEXT NOT NULL,
  node_id       TEXT NOT NULL,
  viewers       BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (edge_id, node_id)
);
CREATE INDEX stream_viewers_by_node ON stream_viewers (node_id, updated_at_ms);
)sql",
    // 3: webhooks and the event outbox (stream_outbox.h): events are written in
    // the transaction of the stream change; deliveries fan out from them.
    R"sql(
CREATE TABLE webhooks (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id    TEXT NOT NULL UNIQUE,
  owner_key_id  TEXT NOT NULL,
  url           TEXT NOT NULL,
  events        TEXT NOT NULL,
  description   TEXT NOT NULL,
  secret        TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX webhooks_by_owner ON webhooks (owner_key_id, seq);
CREATE TABLE stream_events (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id      TEXT NOT NULL UNIQUE,
  type          TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  edge_id       TEXT NOT NULL,
  owner_key_id  TEXT NOT NULL,
  state         TEXT NOT NULL,
  started_at_ms BIGINT,
  ended_at_ms   BIGINT,
  created_at_ms BIGINT NOT NULL,
  body          TEXT NOT NULL
);
CREATE INDEX stream_events_by_stream ON stream_events (stream_id, seq);
CREATE TABLE webhook_deliveries (
  seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id      TEXT NOT NULL,
  event_seq       BIGINT NOT NULL,
  ordering_key    TEXT NOT NULL,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT NOT NULL,
  lease_node      TEXT NOT NULL DEFAULT '',
  lease_until_ms  BIGINT,
  updated_at_ms   BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, ordering_key, event_seq);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_seq);
CREATE TABLE webhook_attempts (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id    TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  type          TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  status_code   INTEGER,
  error         TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  time_ms       BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts (webhook_id, seq);
)sql",
    // 4: recordings (recording_repository.h). Existing streams are recorded for 7 days.
    R"sql(
ALTER TABLE streams ADD COLUMN recording_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE streams ADD COLUMN recording_retention_days INTEGER NOT NULL DEFAULT 7;
CREATE TABLE recordings (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recording_id   TEXT NOT NULL UNIQUE,
  stream_id      TEXT NOT NULL,
  edge_id        TEXT NOT NULL,
  owner_key_id   TEXT NOT NULL,
  node_id        TEXT NOT NULL,
  state          TEXT NOT NULL,
  started_at_ms  BIGINT NOT NULL,
  ended_at_ms    BIGINT,
  duration_ms    BIGINT NOT NULL DEFAULT 0,
  has_mp4        INTEGER NOT NULL DEFAULT 0,
  retention_days INTEGER NOT NULL,
  expires_at_ms  BIGINT
);
CREATE INDEX recordings_by_stream ON recordings (stream_id, seq);
CREATE INDEX recordings_by_expiry ON recordings (expires_at_ms);
CREATE INDEX recordings_open ON recordings (state, node_id);
)sql",
    // 5: LL-HLS per stream (issue 14); see store/sqlite/schema.h, migration 6.
    R"sql(
ALTER TABLE streams ADD COLUMN latency_mode TEXT NOT NULL DEFAULT 'low';
)sql",
};

}  // namespace antcdn::store::postgres
