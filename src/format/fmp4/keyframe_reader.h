#pragma once

// Reads back what a thumbnail needs from CMAF objects: the video track's
// decoder configuration from an init segment, and the bytes of the first sync
// sample (the keyframe a segment starts with) from a media segment. Pure
// functions over byte spans; the results point into the given spans.

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::fmp4 {

struct VideoInit {
  uint32_t track_id = 0;
  uint32_t timescale = 0;
  std::string sample_entry;  // "avc1" or "avc3"
  ByteSpan avcc;             // AVCDecoderConfigurationRecord (the avcC payload)
  int width = 0;             // from the sample entry
  int height = 0;
  // trex defaults, used by fragments that state neither per-sample values
  // nor tfhd defaults.
  uint32_t default_sample_size = 0;
  uint32_t default_sample_flags = 0;
};

// The first video track of `init` (ftyp + moov). InvalidArgument for a
// malformed init; Unsupported when it has no H.264 video track.
Result<VideoInit> read_video_init(ByteSpan init);

// The first sync sample of `init`'s track in `segment` (styp? + one or more
// moof + mdat). Its bytes are length-prefixed NAL units, as the avcC says.
// InvalidArgument for a malformed segment; NotFound when no fragment of the
// track holds a sync sample.
Result<ByteSpan> first_sync_sample(ByteSpan segment, const VideoInit& init);

}  // namespace antcdn::format::fmp4
