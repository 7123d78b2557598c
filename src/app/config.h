#pragma once

// Typed configuration: defaults live here, flags and ANTCDN_* variables fill it
// (see main.cc), validate() reports every problem at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"

namespace antcdn::app {

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};

struct Config {
  std::string data_dir = "./antcdn-data";
  std::string api_listen = "127.0.0.1:8080";
  std::string rtmp_listen = "0.0.0.0:1935";
  // RTMPS (RTMP over TLS 1.2+): off unless set; needs --tls-cert and --tls-key
  // (PEM, read again on SIGHUP).
  std::string rtmps_listen;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string public_rtmps_url;  // default: derived from the RTMPS listener
  // SRT (MPEG-TS over UDP, streamid = the stream key): off unless set.
  std::string srt_listen;
  int srt_latency_ms = 120;    // receiver latency (SRTO_RCVLATENCY)
  std::string public_srt_url;  // default: derived from the SRT listener
  std::string edge_listen = "127.0.0.1:8090";
  // Prometheus /metrics on a listener of its own; "" or "off" disables it.
  std::string metrics_listen = "127.0.0.1:9464";
  bool metrics_per_stream = false;  // series labelled with stream ids (one set per publisher)
  std::string public_rtmp_url;      // default: derived from the RTMP listener
  std::string public_edge_url;      // default: derived from the edge listener
  std::string database;             // default: sqlite://{data_dir}/antcdn.db
  std::string storage;              // default: file://{data_dir}/media
  // s3:// storage: objects larger than this (a recording's MP4) go up as a
  // multipart upload in parts of this size.
  int s3_part_size_mib = 16;
  std::string roles = "api,ingest,edge";
  int http_request_timeout_ms = 15000;  // for a whole request to arrive
  int http_write_timeout_ms = 30000;    // for each write of a response to make progress
  // Connection caps (docs/operations.md, "Connections"). Per address: 0 is off.
  // In all: 0 derives them from the descriptor limit (app/descriptor_budget.h).
  int rtmp_max_connections_per_ip = 16;
  int api_max_connections_per_ip = 64;
  int edge_max_connections_per_ip = 0;  // viewers share addresses behind NATs and CDNs
  int rtmp_max_connections = 0;
  int api_max_connections = 0;
  int edge_max_connections = 0;
  std::string log_level = "info";
  std::string x264_preset = "veryfast";
  // LL-HLS part length of latencyMode "low" streams (the playlists' PART-TARGET).
  int part_duration_ms = 500;
  int ended_hold_seconds = 300;         // an ended stream shows `ended` this long, then `idle`
  std::string record_access_units_dir;  // debugging: dump ingest output as JSON lines
  // Multi-node: unique among the nodes sharing a database. Default: this host's
  // name and RTMP port, stable across restarts so a node recognises its own
  // sessions after a crash.
  std::string node_id;
  int lease_seconds = 10;  // an ingest node's sessions end this long after it stops renewing
  int shutdown_timeout_seconds = 10;  // SIGTERM: end sessions and flush writes within this
  // Where the first API key goes instead of stdout (which a service manager logs).
  std::string initial_key_file;
  // Per-node and per-key admission (docs/operations.md, "Admission").
  int max_transcodes = 0;          // transcoded sessions at once; 0: max(1, cores / 2)
  int max_streams_per_key = 1000;  // POST /v1/live-streams answers 429 beyond it
  // Recordings (src/record): whether a stream created without `recording`
  // records its sessions, for how long, and how often expired ones are deleted.
  std::string recording_default = "on";
  int recording_retention_days = 7;
  int recording_retention_interval_seconds = 600;
  bool recording_default_on() const { return recording_default == "on"; }
  // Webhooks may target loopback, link-local and private addresses (off: refused).
  bool webhooks_allow_private = false;
  // For s3:// storage, from ANTCDN_S3_ACCESS_KEY_ID and ANTCDN_S3_SECRET_ACCESS_KEY
  // only: a flag's value would show in `ps`.
  std::string s3_access_key_id;
  Secret s3_secret_access_key;

  // Every problem, each naming its flag, e.g. "--edge-listen: port must be 0..65535".
  std::vector<std::string> validate() const;

  // The comma-separated --roles, split.
  std::vector<std::string> role_list() const;
  bool has_role(std::string_view role) const;
  bool metrics_enabled() const { return !metrics_listen.empty() && metrics_listen != "off"; }
  bool rtmps_enabled() const { return !rtmps_listen.empty() && rtmps_listen != "off"; }
  bool srt_enabled() const { return !srt_listen.empty() && srt_listen != "off"; }

  std::string effective_node_id() const;
  // --max-transcodes, or its default from the core count.
  int effective_max_transcodes() const;
  std::string database_url() const;
  std::string storage_url() const;
  // The SQLite file named by database_url(); empty if it is not sqlite://.
  std::string sqlite_path() const;
};

// "host:port" or "[v6]:port".
bool parse_listen(const std::string& text, ListenAddress& out);

}  // namespace antcdn::app
