#pragma once

#include <array>
#include <string_view>

namespace antcdn::store::sqlite {

// Migrations, applied in order; PRAGMA user_version records how many ran.
inline constexpr std::array<std::string_view, 2> kMigrations = {
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
};

}  // namespace antcdn::store::sqlite
