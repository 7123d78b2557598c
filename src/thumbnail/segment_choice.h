#pragma once

// Which objects a thumbnail is rendered from, read off playlist text. Pure.
//
// The top variant of a master playlist (highest BANDWIDTH) gives the largest
// picture; in its media playlist a live thumbnail takes the newest segment
// (so it is at most one segment old) and a recording's takes the segment that
// holds the asked time. Every segment starts with a keyframe (the packager
// cuts on them), which is the one decoded.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace antcdn::thumbnail {

// URI of the variant with the highest BANDWIDTH (the first of equals).
// InvalidArgument for text that is not a playlist; NotFound without variants.
Result<std::string> top_variant_uri(std::string_view master);

struct SegmentChoice {
  std::string init_uri;     // the EXT-X-MAP in force for the segment
  std::string segment_uri;  // as written in the playlist
  double start_s = 0;       // of the segment, from the playlist's first one
};

// Live (`time_s` empty): the newest full segment. Recording: the segment
// holding `time_s` seconds from the start (EXTINF summed), the time clamped
// into the playlist. NotFound when the playlist has no segment with a map.
Result<SegmentChoice> choose_segment(std::string_view media, std::optional<double> time_s);

// The object key of `uri` written in the playlist stored at `playlist_key`:
// relative to the playlist's folder. Only plain relative paths are accepted
// (no scheme, no leading '/', no "." or ".." part, no query), so a playlist
// cannot point a thumbnail outside its own prefix. InvalidArgument otherwise.
Result<std::string> resolve_key(std::string_view playlist_key, std::string_view uri);

}  // namespace antcdn::thumbnail
