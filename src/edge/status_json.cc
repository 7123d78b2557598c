#include "edge/status_json.h"

#include <fmt/format.h>

#include "common/time_util.h"

namespace antcdn::edge {
namespace {

std::string json_time(const std::optional<int64_t>& ms) {
  return ms ? fmt::format("\"{}\"", rfc3339_seconds(*ms)) : std::string("null");
}

}  // namespace

std::string state_json(const EdgeStreamInfo& info) {
  // Hand-written: every value is an enum name or a formatted time, nothing to escape.
  return fmt::format(R"({{"state":"{}","startedAt":{},"endedAt":{}}})",
                     media::to_string(info.state), json_time(info.started_at_ms),
                     json_time(info.ended_at_ms));
}

std::string status_json(const EdgeStreamInfo& info) {
  std::string out = state_json(info);
  out.pop_back();  // the closing brace
  // Paths are ids (ULIDs) and fixed text: nothing to escape.
  std::string replay = "null";
  if (!info.replay_path.empty()) {
    replay = fmt::format(R"({{"hlsUrl":"{}/master.m3u8","mp4Url":{}}})", info.replay_path,
                         info.replay_has_mp4 ? fmt::format(R"("{}/download.mp4")", info.replay_path)
                                             : std::string("null"));
  }
  return fmt::format(R"({},"viewers":{},"latencyMode":"{}","replay":{}}})", out, info.viewers,
                     media::to_string(info.latency_mode), replay);
}

}  // namespace antcdn::edge
