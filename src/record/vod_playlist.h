#pragma once

// The media playlist of a finished recording (pure): every segment of every
// session, an EXT-X-MAP wherever the init section changes, an
// EXT-X-DISCONTINUITY between sessions (a reconnect), PLAYLIST-TYPE:VOD and
// ENDLIST.

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"

namespace antcdn::record {

struct RecordedSegment {
  std::string uri;       // "{session}-{seq}.m4s", relative to the playlist
  std::string init_uri;  // "init-{session}.mp4"
  double duration_s = 0;
  bool discontinuity_before = false;  // first segment of a later session
  size_t bytes = 0;                   // its size (the MP4 remux reads it back from storage)
};

Result<std::string> vod_playlist(const std::vector<RecordedSegment>& segments);

// The sum of the segments' durations.
double total_duration_s(const std::vector<RecordedSegment>& segments);

}  // namespace antcdn::record
