#pragma once

// HLS multivariant ("master") playlist writer (RFC 8216bis 4.4.6): one audio
// group of EXT-X-MEDIA renditions and one EXT-X-STREAM-INF per video
// rendition. Value types in, text out.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace antcdn::format::hls {

struct AudioRendition {
  std::string group_id;    // referenced by VariantStream::audio_group
  std::string name;        // human-readable, e.g. "Default"
  std::string language;    // BCP 47, optional
  bool is_default = true;  // DEFAULT=YES
  bool autoselect = true;  // AUTOSELECT=YES
  int channels = 2;        // CHANNELS="2"; 0 omits the attribute
  std::string codec;       // e.g. "mp4a.40.2", appended to each variant's CODECS
  std::string uri;         // media playlist, relative to the master
};

struct VariantStream {
  std::string uri;                // media playlist, relative to the master
  int64_t bandwidth = 0;          // peak bits/s of video + audio; required
  int64_t average_bandwidth = 0;  // 0 omits AVERAGE-BANDWIDTH
  std::string video_codec;        // e.g. "avc1.64001f"
  int width = 0;                  // RESOLUTION when both are > 0
  int height = 0;
  double frame_rate = 0;    // FRAME-RATE with 3 decimals when in (0, 240]
  std::string audio_group;  // AUDIO="..."; empty for a video-only variant
};

struct MasterPlaylist {
  int version = 7;
  bool independent_segments = true;
  std::vector<AudioRendition> audio;
  std::vector<VariantStream> variants;
};

// Renders the playlist. CODECS is the variant's video codec followed by the
// codec of its audio group. Errors on a missing required value, an unknown
// audio group, or a value that cannot be quoted (contains '"', CR or LF).
Result<std::string> write_master_playlist(const MasterPlaylist& playlist);

}  // namespace antcdn::format::hls
