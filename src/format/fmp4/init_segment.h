#pragma once

// CMAF initialization segment (ISO/IEC 14496-12 + 23000-19): ftyp + moov for
// exactly one track, H.264 ('avc1' + 'avcC') or AAC ('mp4a' + 'esds'). Video
// and audio are separate renditions, so each gets its own init segment.

#include "common/bytes.h"
#include "common/result.h"
#include "media/track.h"

namespace antcdn::format::fmp4 {

// Writes the init segment for `track`:
//  - track.id is the MP4 track_ID (must be > 0) and must match the id given
//    to write_fragment();
//  - track.timescale is the media timescale of every sample time in the
//    segments (e.g. 90000 for video, the sample rate for audio);
//  - track.codec_config is the avcC record (any NAL length size is accepted
//    here, but samples must then use the same size; 4 is recommended) or the
//    AudioSpecificConfig;
//  - width/height, sample_rate/channels default to the values parsed from
//    codec_config when 0.
Result<Bytes> write_init_segment(const media::TrackInfo& track);

}  // namespace antcdn::format::fmp4
