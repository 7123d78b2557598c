#pragma once

// The edge's URL space, parsed strictly and without I/O. Only these paths
// exist; everything else (including any percent-escape, "..", "//", a
// trailing slash, or an unknown file name) is rejected, so a request can only
// ever name an object under its own stream's prefix:
//
//   /live/{edgeId}/master.m3u8                      → {edgeId}/master.m3u8
//   /live/{edgeId}/{rendition}/index.m3u8           → {edgeId}/{rendition}/index.m3u8
//   /live/{edgeId}/{rendition}/init-{session}.mp4   → same key
//   /live/{edgeId}/{rendition}/{session}-{seq}.m4s  → same key
//   /live/{edgeId}/status.json                      → not an object
//
// rendition: [a-z0-9_-]{1,32}; session: [A-Za-z0-9_-]{1,64}; seq: [0-9]{1,20}.

#include <optional>
#include <string>
#include <string_view>

namespace antcdn::edge {

enum class EdgeResource { MasterPlaylist, MediaPlaylist, InitSection, MediaSegment, Status };

struct EdgePath {
  EdgeResource resource = EdgeResource::Status;
  std::string edge_id;
  std::string object_key;  // empty for Status
};

// `path` is the request target without its query string, exactly as sent.
std::optional<EdgePath> parse_edge_path(std::string_view path);

}  // namespace antcdn::edge
