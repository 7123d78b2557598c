#pragma once

// GET /live/{edgeId}/thumbnail.jpg[?width=N]: a JPEG of the newest keyframe
// of the stream's top rendition (thumbnail::ThumbnailSource renders it off
// the event loop), `width` pixels wide (default and maximum: the source
// width; at least 16), cached 2 s. Streams in any state get one while their
// playlists are in storage: live ones, ended ones (the last segment stays
// until the next session) and idle ones with an old session's objects; the
// viewer page shows it as the poster. 400 for a malformed width, 404 for an
// unknown stream or one with no segment, 503 (Retry-After) when storage
// fails or too many renders are queued.

#include <optional>
#include <string>
#include <string_view>

#include "edge/edge_path.h"
#include "edge/stream_directory.h"
#include "net/http_message.h"
#include "net/http_server.h"
#include "thumbnail/thumbnail_source.h"

namespace antcdn::edge {

inline constexpr int kMaxThumbnailWidth = 7680;

class ThumbnailRoute {
 public:
  // Both borrowed; without a source every thumbnail is a 404.
  ThumbnailRoute(StreamDirectory& directory, thumbnail::ThumbnailSource* source)
      : directory_(directory), source_(source) {}

  // Never blocks: the stream lookup and the render answer through callbacks.
  void serve(const net::HttpRequest& req, const EdgePath& path, net::HttpRespond respond);
  // A recording's thumbnail, for /vod/{edgeId}/{recordingId}/thumbnail.jpg?time=S
  // [&width=N] (`query`, after the '?') once the caller knows the recording is the stream's:
  // `master_key` is "recordings/{recordingId}/master.m3u8". `time` in seconds (default 0; past the
  // end: the last segment); 400 when `time` or `width` is malformed.
  void serve_recording(std::string_view query, std::string master_key, net::HttpRespond respond);

 private:
  StreamDirectory& directory_;
  thumbnail::ThumbnailSource* source_;
};

// The `width` query parameter: 0 when absent, nothing when it is not a whole
// number in 1..kMaxThumbnailWidth (or the query is malformed).
std::optional<int> parse_thumbnail_width(std::string_view query);

// The `time` query parameter in seconds: 0 when absent, nothing when it is not
// a decimal number from 0 to kMaxThumbnailTime (or the query is malformed).
inline constexpr double kMaxThumbnailTime = 1e7;
std::optional<double> parse_thumbnail_time(std::string_view query);

// The answer for a render's result.
net::HttpResponse thumbnail_response(const Result<thumbnail::Jpeg>& jpeg);

}  // namespace antcdn::edge
