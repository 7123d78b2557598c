#pragma once

// H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1): the fields the
// packager and playlists need (profile, level, chroma format, picture size
// after cropping, sample aspect ratio, frame rate from VUI timing).

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::avc {

struct Sps {
  uint8_t profile_idc = 0;
  uint8_t constraint_flags = 0;  // constraint_set0..5 flags and reserved bits, as one byte
  uint8_t level_idc = 0;
  uint32_t sps_id = 0;
  uint32_t chroma_format_idc = 1;  // 0 mono, 1 4:2:0, 2 4:2:2, 3 4:4:4
  uint32_t bit_depth_luma = 8;
  uint32_t bit_depth_chroma = 8;
  bool frame_mbs_only = true;  // false: interlaced (field or MBAFF) coding possible
  int width = 0;               // displayed size, cropping applied
  int height = 0;
  int sar_width = 1;  // sample aspect ratio; 1:1 when unsignalled
  int sar_height = 1;
  // From VUI timing: time_scale / (2 * num_units_in_tick); 0 when absent.
  double frame_rate = 0;
  uint32_t num_units_in_tick = 0;
  uint32_t time_scale = 0;
  bool fixed_frame_rate = false;
};

// Parses an SPS NAL unit, header byte included, emulation prevention bytes
// still in place. Never reads past `nal`.
Result<Sps> parse_sps(ByteSpan nal);

// Removes emulation prevention bytes (00 00 03 -> 00 00) from a NAL unit.
Bytes unescape_rbsp(ByteSpan nal);

// True for profiles whose SPS carries chroma_format_idc and bit depths.
bool is_high_profile(uint8_t profile_idc);

}  // namespace antcdn::format::avc
