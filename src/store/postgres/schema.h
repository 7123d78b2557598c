#pragma once

#include <array>
#include <string_view>

namespace antcdn::store::postgres {

// Migrations, applied in order inside one transaction; schema_version holds one
// row per migration applied. The tables mirror store/sqlite/schema.h. There was
// never a PostgreSQL database without the lease columns (SQLite's migration 2),
// so version 1 has them. Append new migrations; never edit applied ones.
inline constexpr std::array<std::string_view, 2> kMigrations = {
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
};

}  // namespace antcdn::store::postgres
