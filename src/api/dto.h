#pragma once

// JSON <-> domain for the live-streams API. The only place JSON shapes live.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/live_figures.h"
#include "common/result.h"
#include "common/secret.h"
#include "media/latency_mode.h"
#include "media/quality.h"
#include "store/repositories.h"

namespace antcdn::api {

inline constexpr size_t kMaxNameLength = 200;  // characters (code points)
inline constexpr int kMaxReconnectWindowSeconds = 1800;
inline constexpr int kMaxRetentionDays = 3650;

// `recording: {enabled, retentionDays}`: either may be left out (create: the
// node's defaults, patch: unchanged).
struct RecordingSettings {
  std::optional<bool> enabled;
  std::optional<int> retention_days;
};

struct CreateStreamRequest {
  std::string name;
  media::Quality quality = media::Quality::Standard;
  int reconnect_window_s = 60;
  media::LatencyMode latency_mode = media::LatencyMode::Low;
  RecordingSettings recording;
};

struct PatchStreamRequest {
  std::optional<std::string> name;
  std::optional<media::Quality> quality;
  std::optional<int> reconnect_window_s;
  std::optional<media::LatencyMode> latency_mode;
  RecordingSettings recording;
};

struct PublicUrls {
  std::string rtmp_url;   // e.g. rtmp://ingest.example.com/live
  std::string edge_url;   // e.g. https://edge.example.com (no trailing slash)
  std::string rtmps_url;  // e.g. rtmps://ingest.example.com:443/live; empty without RTMPS
  std::string srt_url;    // e.g. srt://ingest.example.com:9000; empty without SRT
};

Result<CreateStreamRequest> parse_create_request(std::string_view body);
Result<PatchStreamRequest> parse_patch_request(std::string_view body);

// The resource as the API shows it; `stream_key` only right after create/rotate;
// `live` adds health and viewers (null and 0 without it).
std::string stream_json(const store::StreamRecord& stream, const PublicUrls& urls,
                        const Secret* stream_key = nullptr, const LiveFigures* live = nullptr);
// `live`: empty, or one entry per stream.
std::string stream_page_json(const std::vector<store::StreamRecord>& streams,
                             const PublicUrls& urls, std::optional<std::string> next_cursor,
                             const std::vector<LiveFigures>& live = {});

}  // namespace antcdn::api
