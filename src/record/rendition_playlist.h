#pragma once

// One rendition of a recording as its checkpoint playlist says it (pure): the
// VOD playlist (vod_playlist.h) with, before EXT-X-ENDLIST, one comment line
// per init section and segment giving its size ("#ANTCDN-BYTES:{bytes},{file}",
// which players skip; the MP4 remux needs the sizes). The recorder stores it
// at every drop (what a failed recording keeps, and where a node that takes
// the session over goes on from, reading it back); the final playlist, at the
// end, is the plain VOD one.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "media/track.h"
#include "record/vod_playlist.h"

namespace antcdn::record {

struct RecordedRendition {
  std::string name;  // "720p", "source", "audio"
  media::MediaKind kind = media::MediaKind::Video;
  std::vector<RecordedSegment> segments;
  // Init section names and sizes, for the MP4 remux. No bytes are kept: a
  // recording may last hours; the remux reads them back from storage.
  std::vector<std::pair<std::string, size_t>> inits;
};

Result<std::string> rendition_playlist(const RecordedRendition& r);

// What rendition_playlist() wrote, read back under `name` and `kind`.
// InvalidArgument for anything else: a truncated object (no EXT-X-ENDLIST, no
// final line break), a segment without EXTINF or without its size.
Result<RecordedRendition> parse_rendition_playlist(std::string_view m3u8, std::string name,
                                                   media::MediaKind kind);

// Whether the rendition lists the segment `uri`.
bool lists_segment(const RecordedRendition& r, std::string_view uri);

}  // namespace antcdn::record
