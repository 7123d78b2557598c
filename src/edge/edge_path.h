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
//   /live/{edgeId}/{rendition}/{session}-{seq}.{part}.m4s  → same key (LL-HLS part)
//   /live/{edgeId}/status.json                      → not an object
//   /live/{edgeId}/thumbnail.jpg                    → rendered from {edgeId}/master.m3u8
//
// A recording (record/) of the stream, outside its live prefix:
//
//   /vod/{edgeId}/{recordingId}/master.m3u8              → recordings/{recordingId}/master.m3u8
//   /vod/{edgeId}/{recordingId}/{rendition}/index.m3u8   → recordings/{recordingId}/…
//   /vod/{edgeId}/{recordingId}/{rendition}/init-{session}.mp4, …/{session}-{seq}.m4s
//   /vod/{edgeId}/{recordingId}/download.mp4             → recordings/{recordingId}/download.mp4
//   /vod/{edgeId}/{recordingId}/thumbnail.jpg            → not an object (rendered)
//
// rendition: [a-z0-9_-]{1,32}; session: [A-Za-z0-9_-]{1,64}; seq: [0-9]{1,20};
// part: [0-9]{1,4}.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace antcdn::edge {

enum class EdgeResource {
  MasterPlaylist,
  MediaPlaylist,
  InitSection,
  MediaSegment,
  Part,
  Status,
  Thumbnail,
  VodDownload,   // a recording's MP4 (Range requests)
  VodThumbnail,  // a recording's poster image
};

struct EdgePath {
  EdgeResource resource = EdgeResource::Status;
  std::string edge_id;
  std::string recording_id;  // set for /vod/ paths; the playlist kinds above apply to them too
  std::string object_key;    // empty for Status; the master playlist for Thumbnail and VodThumbnail
  std::string rendition;     // media playlists, init sections and segments
  std::string session;       // init sections and segments
  // Segments and parts; a number too large for 64 bits becomes UINT64_MAX (in no window).
  uint64_t seq = 0;
  uint32_t part = 0;  // parts: the index within segment `seq`
};

// `path` is the request target without its query string, exactly as sent.
std::optional<EdgePath> parse_edge_path(std::string_view path);

// A file in a rendition's folder: "init-{session}.mp4", "{session}-{seq}.m4s"
// or "{session}-{seq}.{part}.m4s".
struct MediaFileName {
  EdgeResource resource = EdgeResource::MediaSegment;  // InitSection, MediaSegment or Part
  std::string session;
  uint64_t seq = 0;  // segments and parts; UINT64_MAX when the number does not fit
  uint32_t part = 0;
};
std::optional<MediaFileName> parse_media_file_name(std::string_view name);

}  // namespace antcdn::edge
