#pragma once

// CMAF media segments: a segment is one 'styp' followed by one or more
// fragments (moof + mdat). A whole 2 s segment can be a single fragment, or an
// LL-HLS segment can be the concatenation of its parts, each part one fragment
// written as it becomes ready. Each fragment is independently addressable.

#include <cstdint>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "media/access_unit.h"

namespace antcdn::format::fmp4 {

// One sample, times in the track's timescale (the init segment's mdhd).
struct Sample {
  int64_t dts = 0;
  int64_t pts = 0;
  uint32_t duration = 0;  // to the next sample's dts; must be > 0
  bool keyframe = false;  // sync sample (IDR for video, every AAC frame)
  ByteSpan data;          // AVCC with 4-byte lengths for video, raw AAC for audio
};

// The 'styp' box that starts every media segment.
Bytes write_styp();

// One moof + mdat for `track_id` (matching the init segment) with
// mfhd.sequence_number = `sequence_number` (should increase by one per
// fragment across the whole track). Samples must be non-empty, in decode
// order, have non-negative dts and durations > 0; pts - dts must fit 32 bits
// signed. tfdt.baseMediaDecodeTime is the first sample's dts; later dts are
// implied by the durations, so callers should derive durations from dts deltas.
Result<Bytes> write_fragment(uint32_t track_id, uint32_t sequence_number,
                             std::span<const Sample> samples);

// styp + one fragment: the common case of a segment written in one go.
Result<Bytes> write_media_segment(uint32_t track_id, uint32_t sequence_number,
                                  std::span<const Sample> samples);

// Views access units as samples: each duration is the dts delta to the next
// unit, and the last one gets `last_duration` (e.g. the next unit's dts minus
// its dts once known, or the nominal frame duration). The samples point into
// `units`, which must outlive them.
Result<std::vector<Sample>> samples_from_access_units(std::span<const media::AccessUnit> units,
                                                      uint32_t last_duration);

}  // namespace antcdn::format::fmp4
