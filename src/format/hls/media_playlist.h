#pragma once

// HLS media playlist writer (RFC 8216bis 4.4.3/4.4.4) for one rendition's
// sliding live window of fMP4 segments. Value types in, text out.
//
// Low-latency HLS (RFC 8216bis 4.4.3.7-4.4.5.3) when `low_latency` is set:
// EXT-X-SERVER-CONTROL and EXT-X-PART-INF in the header, each recent
// segment's EXT-X-PART lines before its EXTINF, then the parts of the segment
// in progress, EXT-X-PRELOAD-HINT for the next part and an
// EXT-X-RENDITION-REPORT per sibling rendition.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace antcdn::format::hls {

// A partial segment (LL-HLS): one CMAF fragment of its segment, its own object.
struct PartRecord {
  std::string uri;
  double duration_s = 0;
  bool independent = false;  // starts with a sync sample (INDEPENDENT=YES)
};

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
  // Its parts, oldest first; only the last few segments keep them listed.
  std::vector<PartRecord> parts;
};

// Where a sibling rendition's playlist stands (EXT-X-RENDITION-REPORT).
struct RenditionReport {
  std::string uri;  // relative to this playlist, e.g. "../720p/index.m3u8"
  uint64_t last_msn = 0;
  std::optional<uint64_t> last_part;  // of segment last_msn; none without parts
};

struct LowLatency {
  double part_target_s = 0.5;  // EXT-X-PART-INF; fixed for the whole stream
  // The segment being built: its discontinuity, map and PDT, and the parts so
  // far (its `uri` and `duration_s` are unused). No parts: nothing is written.
  SegmentRecord partial;
  std::string preload_hint_uri;  // the next part's name; empty when ended
  std::vector<RenditionReport> reports;
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
  std::optional<LowLatency> low_latency;
};

// Server-control values derived from the targets (RFC 8216bis 4.4.3.8): a
// player holds back 3 parts (low latency) or 3 segments, and may ask for a
// delta update that skips what is older than 6 target durations.
double part_hold_back_s(double part_target_s);
double hold_back_s(int target_duration_s);
double can_skip_until_s(int target_duration_s);

// Renders the playlist. Errors on an unusable URI or a negative or
// non-finite duration.
Result<std::string> write_media_playlist(const MediaPlaylist& playlist);

// EXT-X-TARGETDURATION for the window: max(floor, each EXTINF as written,
// rounded to the nearest integer).
int target_duration(const std::vector<SegmentRecord>& segments, int floor_s);

// "2024-05-01T12:00:00.250Z": ISO 8601, UTC, milliseconds.
std::string format_program_date_time(int64_t unix_ms);

}  // namespace antcdn::format::hls
