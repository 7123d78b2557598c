#pragma once

// HLS media playlist writer (RFC 8216bis 4.4.3/4.4.4) for one rendition's
// sliding live window of fMP4 segments. Value types in, text out.
//
// Built to grow LL-HLS without a rewrite: a SegmentRecord will gain its parts
// (EXT-X-PART lines written before its EXTINF), MediaPlaylist will gain
// server control, part target and a preload hint, each emitted by its own
// step of the writer (header, per-segment, tail).

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace antcdn::format::hls {

struct SegmentRecord {
  std::string uri;
  double duration_s = 0;
  // Wall-clock ms since the Unix epoch when the first frame reached ingest;
  // written as EXT-X-PROGRAM-DATE-TIME on every segment. 0 omits it.
  int64_t program_date_time_ms = 0;
  bool discontinuity_before = false;
  // EXT-X-MAP URI for this segment; written whenever it differs from the
  // previous segment's (first segment, or a new session after a reconnect).
  // Empty means no map (not valid for fMP4).
  std::string init_uri;
};

struct MediaPlaylist {
  int version = 7;
  // Floor for EXT-X-TARGETDURATION. The target must not change during a live
  // playlist (RFC 8216 6.2.1), so pass the segmenter's configured maximum here;
  // the written value is the larger of this and the window's ceil(max EXTINF).
  int target_duration_s = 0;
  uint64_t media_sequence = 0;          // of segments.front()
  uint64_t discontinuity_sequence = 0;  // discontinuities that slid out of the window
  bool independent_segments = true;     // every segment starts with a keyframe
  std::vector<SegmentRecord> segments;  // the window, oldest first
  bool ended = false;                   // EXT-X-ENDLIST
  bool vod = false;                     // EXT-X-PLAYLIST-TYPE:VOD (a finished recording)
};

// Renders the playlist. Errors on an unusable URI or a negative or
// non-finite duration.
Result<std::string> write_media_playlist(const MediaPlaylist& playlist);

// EXT-X-TARGETDURATION for the window: max(floor, ceil of each EXTINF as written).
int target_duration(const std::vector<SegmentRecord>& segments, int floor_s);

// "2024-05-01T12:00:00.250Z": ISO 8601, UTC, milliseconds.
std::string format_program_date_time(int64_t unix_ms);

}  // namespace antcdn::format::hls
