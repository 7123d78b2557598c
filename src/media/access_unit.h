#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace antcdn::media {

// One decodable unit: a video frame (H.264 NAL units, each prefixed by a 4-byte
// big-endian length, i.e. AVCC framing) or one raw AAC frame (no ADTS header).
struct AccessUnit {
  int track_id = 0;
  int64_t dts = 0;              // in the track's timescale; monotonic per track
  int64_t pts = 0;              // dts + composition offset
  bool keyframe = false;        // IDR for video; always true for audio
  int64_t arrival_unix_ms = 0;  // wall clock when the frame reached ingest
  Bytes data;
};

}  // namespace antcdn::media
