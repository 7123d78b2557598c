#include "app/config.h"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>

#include <unistd.h>

#include "common/parse_number.h"
#include "package/stream_packager.h"
#include "storage/s3/s3_location.h"
#include "store/postgres/pg_url.h"

namespace antcdn::app {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";
constexpr std::string_view kFileScheme = "file://";
constexpr std::array<std::string_view, 7> kPresets = {
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"};
constexpr std::array<std::string_view, 5> kLogLevels = {"trace", "debug", "info", "warn", "error"};

// Both halves of the S3 key pair, each named when it is missing.
void check_s3_credentials(const Config& c, std::vector<std::string>& errors) {
  std::vector<std::string_view> missing;
  if (c.s3_access_key_id.empty()) {
    missing.emplace_back("ANTCDN_S3_ACCESS_KEY_ID");
  }
  if (c.s3_secret_access_key.empty()) {
    missing.emplace_back("ANTCDN_S3_SECRET_ACCESS_KEY");
  }
  if (missing.size() == 2) {
    errors.emplace_back(
        "--storage: s3:// needs ANTCDN_S3_ACCESS_KEY_ID and ANTCDN_S3_SECRET_ACCESS_KEY in the "
        "environment");
  } else if (missing.size() == 1) {
    errors.push_back("--storage: s3:// needs " + std::string(missing[0]) +
                     " in the environment too (only one of the pair is set)");
  }
}

void check_connection_caps(const Config& c, std::vector<std::string>& errors) {
  constexpr int kMostConnections = 10000000;
  const std::pair<const char*, int> caps[] = {
      {"--rtmp-max-connections-per-ip", c.rtmp_max_connections_per_ip},
      {"--api-max-connections-per-ip", c.api_max_connections_per_ip},
      {"--edge-max-connections-per-ip", c.edge_max_connections_per_ip},
      {"--rtmp-max-connections", c.rtmp_max_connections},
      {"--api-max-connections", c.api_max_connections},
      {"--edge-max-connections", c.edge_max_connections},
  };
  for (const auto& [flag, value] : caps) {
    if (value < 0 || value > kMostConnections) {
      errors.push_back(
          std::string(flag) + ": must be 0..10000000 (0: " +
          (std::string_view(flag).ends_with("-per-ip") ? "no cap" : "from the descriptor limit") +
          ")");
    }
  }
}

}  // namespace

bool parse_listen(const std::string& text, ListenAddress& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view port_text(text.c_str() + colon + 1);
  auto port = parse_number<uint16_t>(port_text);
  if (!port) {
    return false;
  }
  out = ListenAddress{host, *port};
  return true;
}

std::vector<std::string> Config::role_list() const {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= roles.size();) {
    size_t end = roles.find(',', pos);
    out.push_back(roles.substr(pos, end - pos));
    if (end == std::string::npos) {
      break;
    }
    pos = end + 1;
  }
  return out;
}

bool Config::has_role(std::string_view role) const {
  auto list = role_list();
  return std::find(list.begin(), list.end(), role) != list.end();
}

std::string Config::database_url() const {
  return database.empty() ? std::string(kSqliteScheme) + data_dir + "/antcdn.db" : database;
}

std::string Config::storage_url() const {
  return storage.empty() ? std::string(kFileScheme) + data_dir + "/media" : storage;
}

std::string Config::sqlite_path() const {
  std::string url = database_url();
  return url.starts_with(kSqliteScheme) ? url.substr(kSqliteScheme.size()) : std::string();
}

std::string Config::effective_node_id() const {
  if (!node_id.empty()) {
    return node_id;
  }
  std::array<char, 256> buffer{};
  std::string host = gethostname(buffer.data(), buffer.size() - 1) == 0 ? buffer.data() : "";
  ListenAddress rtmp;
  parse_listen(rtmp_listen, rtmp);
  return (host.empty() ? "localhost" : host) + ":" + std::to_string(rtmp.port);
}

std::vector<std::string> Config::validate() const {
  std::vector<std::string> errors;
  ListenAddress ignored;
  auto check_listen = [&](const char* flag, const std::string& value) {
    if (!parse_listen(value, ignored)) {
      errors.push_back(std::string(flag) + ": expected HOST:PORT with a port 0..65535, got '" +
                       value + "'");
    }
  };
  check_listen("--api-listen", api_listen);
  check_listen("--rtmp-listen", rtmp_listen);
  check_listen("--edge-listen", edge_listen);
  if (metrics_enabled()) {
    check_listen("--metrics-listen", metrics_listen);
  }
  if (data_dir.empty()) {
    errors.emplace_back("--data-dir: must not be empty");
  }
  std::string db = database_url();
  if (!db.starts_with(kSqliteScheme) && !store::postgres::is_postgres_url(db)) {
    // Not echoed: a mistyped URL may still carry a password.
    errors.emplace_back(
        "--database: expected sqlite://PATH or postgres://USER@HOST:PORT/DB "
        "(postgresql:// also works)");
  } else if (db.starts_with(kSqliteScheme) && sqlite_path().empty()) {
    errors.emplace_back("--database: sqlite:// needs a file path");
  }
  // S3's own bounds for a part (but the last): 5 MiB to 5 GiB.
  if (s3_part_size_mib < 5 || s3_part_size_mib > 5120) {
    errors.emplace_back("--s3-part-size-mib: must be 5..5120");
  }
  if (!storage_url().starts_with(kFileScheme)) {
    if (auto s3 = storage::s3::parse_s3_location(storage_url()); !s3.ok()) {
      errors.push_back("--storage: use file://DIR or s3://BUCKET/PREFIX?endpoint=URL&region=R (" +
                       s3.error().message + ")");
    }
    check_s3_credentials(*this, errors);
  }
  if (!public_rtmp_url.empty() && !public_rtmp_url.starts_with("rtmp://") &&
      !public_rtmp_url.starts_with("rtmps://")) {
    errors.emplace_back("--public-rtmp-url: must start with rtmp:// or rtmps://");
  }
  if (rtmps_enabled()) {
    check_listen("--rtmps-listen", rtmps_listen);
    if (tls_cert_file.empty() || tls_key_file.empty()) {
      errors.emplace_back("--rtmps-listen: needs --tls-cert and --tls-key (PEM files)");
    }
  }
  if (srt_enabled()) {
    check_listen("--srt-listen", srt_listen);
  }
  if (srt_latency_ms < 20 || srt_latency_ms > 8000) {
    errors.emplace_back("--srt-latency-ms: must be 20..8000");
  }
  if (!public_srt_url.empty() && !public_srt_url.starts_with("srt://")) {
    errors.emplace_back("--public-srt-url: must start with srt://");
  }
  if (!public_rtmps_url.empty() && !public_rtmps_url.starts_with("rtmps://")) {
    errors.emplace_back("--public-rtmps-url: must start with rtmps://");
  }
  if (!public_edge_url.empty() && !public_edge_url.starts_with("http://") &&
      !public_edge_url.starts_with("https://")) {
    errors.emplace_back("--public-edge-url: must start with http:// or https://");
  }
  for (const auto& role : role_list()) {
    if (role != "api" && role != "ingest" && role != "edge") {
      errors.push_back("--roles: unknown role '" + role + "' (use api, ingest, edge)");
    }
  }
  if (std::find(kPresets.begin(), kPresets.end(), x264_preset) == kPresets.end()) {
    errors.emplace_back(
        "--x264-preset: use ultrafast, superfast, veryfast, faster, fast, "
        "medium or slow");
  }
  // Parts below 200 ms cost a playlist request each for little gain; a part
  // longer than the segment it belongs to is not a part.
  if (int64_t segment_ms = package::PackagerOptions{}.target_segment_ms;
      part_duration_ms < 200 || part_duration_ms > segment_ms) {
    errors.push_back("--part-duration-ms: must be 200.." + std::to_string(segment_ms) +
                     " (at most the segment target)");
  }
  if (std::find(kLogLevels.begin(), kLogLevels.end(), log_level) == kLogLevels.end()) {
    // spdlog would read an unknown name as "off": a typo must not silence the log.
    errors.push_back("--log-level: use trace, debug, info, warn or error, got '" + log_level + "'");
  }
  if (ended_hold_seconds < 0 || ended_hold_seconds > 7 * 24 * 3600) {
    errors.emplace_back("--ended-hold-seconds: must be 0..604800");
  }
  if (recording_default != "on" && recording_default != "off") {
    errors.push_back("--recording-default: use on or off, got '" + recording_default + "'");
  }
  if (recording_retention_days < 1 || recording_retention_days > 3650) {
    errors.emplace_back("--recording-retention-days: must be 1..3650");
  }
  if (recording_retention_interval_seconds < 1 || recording_retention_interval_seconds > 86400) {
    errors.emplace_back("--recording-retention-interval-seconds: must be 1..86400");
  }
  if (lease_seconds < 2 || lease_seconds > 600) {
    errors.emplace_back("--lease-seconds: must be 2..600");
  }
  if (shutdown_timeout_seconds < 1 || shutdown_timeout_seconds > 3600) {
    errors.emplace_back("--shutdown-timeout-seconds: must be 1..3600");
  }
  if (http_request_timeout_ms < 100 || http_request_timeout_ms > 600000) {
    errors.emplace_back("--http-request-timeout-ms: must be 100..600000");
  }
  if (http_write_timeout_ms < 100 || http_write_timeout_ms > 600000) {
    errors.emplace_back("--http-write-timeout-ms: must be 100..600000");
  }
  check_connection_caps(*this, errors);
  if (max_transcodes < 0 || max_transcodes > 10000) {
    errors.emplace_back("--max-transcodes: must be 1..10000 (0: from the core count)");
  }
  if (max_streams_per_key < 1 || max_streams_per_key > 10000000) {
    errors.emplace_back("--max-streams-per-key: must be 1..10000000");
  }
  return errors;
}

// One transcoded stream per two cores: the heaviest ladder (`high` from 1080p30
// at the default veryfast preset) takes 1.63 CPU-seconds per media second
// (docs/transcoding.md), so two cores keep it in real time with room left for
// ingest, packaging and the edge.
int Config::effective_max_transcodes() const {
  if (max_transcodes > 0) {
    return max_transcodes;
  }
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
}

}  // namespace antcdn::app
