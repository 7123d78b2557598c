#pragma once

// SEAM: what the edge needs to know about a stream, by its public edge id. The
// edge never sees stream ids, names or keys, only the state and the times a
// viewer page may show.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "media/latency_mode.h"
#include "media/stream_state.h"

namespace antcdn::edge {

struct EdgeStreamInfo {
  media::StreamState state = media::StreamState::Idle;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> ended_at_ms;
  // Approximate concurrent viewers over every edge node (docs/api.md, "Viewers").
  int64_t viewers = 0;
  // Tells the viewer page whether to play with hls.js's low-latency mode.
  media::LatencyMode latency_mode = media::LatencyMode::Low;
  // The latest ready recording of a stream not on air, as its edge path
  // "/vod/{edgeId}/{recordingId}" (empty: none); the viewer page offers it.
  std::string replay_path;
  bool replay_has_mp4 = false;
};

class StreamDirectory {
 public:
  virtual ~StreamDirectory() = default;
  using LookupCallback = std::function<void(std::optional<EdgeStreamInfo>)>;

  // nullopt when no stream has this edge id (never created, or deleted). May
  // block (a database query); thread-safe.
  virtual std::optional<EdgeStreamInfo> lookup(const std::string& edge_id) = 0;
  // The same answer without blocking: `done` runs at once when it is known in
  // memory, otherwise later on another thread. Called for every edge request.
  virtual void lookup_async(const std::string& edge_id, LookupCallback done) = 0;

  using RecordingCallback = std::function<void(bool)>;
  // Whether `recording_id` is a recording of the stream `edge_id` names, so a
  // /vod/ URL never reaches another stream's recording. Never blocks, like
  // lookup_async.
  virtual void has_recording_async(const std::string& edge_id, const std::string& recording_id,
                                   RecordingCallback done) = 0;
};

}  // namespace antcdn::edge
