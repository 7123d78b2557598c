#pragma once

// LL-HLS delivery directives (RFC 8216bis 6.2.5) over a media playlist's text:
// where its live edge is, whether a blocking reload for a part may be answered
// with it, and the delta update that skips its older segments. Pure, no I/O;
// the edge reads what the packager wrote and never keeps playlist state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace antcdn::format::hls {

struct LiveEdge {
  uint64_t next_msn = 0;  // sequence number of the segment after the last whole one
  uint64_t parts = 0;     // parts listed of segment next_msn (the one being built)
  bool ended = false;     // EXT-X-ENDLIST
  int target_duration_s = 0;
  bool low_latency = false;  // EXT-X-PART-INF: blocking reloads are offered
};

// InvalidArgument when the text is not a media playlist.
Result<LiveEdge> read_live_edge(std::string_view playlist);

// `_HLS_msn` (and `_HLS_part`) of a blocking reload.
struct PartWanted {
  uint64_t msn = 0;
  std::optional<uint64_t> part;
};

enum class Delivery {
  Now,     // the playlist holds it (or has ended, or offers no blocking)
  Wait,    // it may come: hold the request
  TooFar,  // more than two segments, or three parts, ahead: 400
};
Delivery delivery(const LiveEdge& edge, const PartWanted& wanted);

// "Newer": a later segment or part, or the end. The edge keeps the newest text
// it has seen of a playlist, whichever read or write brought it.
bool is_newer(const LiveEdge& a, const LiveEdge& b);

// The delta update of `playlist` (_HLS_skip=YES): the leading segments that
// end more than CAN-SKIP-UNTIL before the end of the playlist are replaced by
// EXT-X-SKIP, keeping the EXT-X-MAP in force for the first one left. The text
// itself when nothing may be skipped, or the playlist offers no delta updates.
Result<std::string> delta_update(std::string_view playlist);

}  // namespace antcdn::format::hls
