#pragma once

// AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1): the H.264 codec
// configuration carried by an FLV sequence header and an MP4 'avcC' box.

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::avc {

struct AvcDecoderConfig {
  uint8_t profile = 0;        // AVCProfileIndication (SPS profile_idc)
  uint8_t compatibility = 0;  // profile_compatibility (SPS constraint flags byte)
  uint8_t level = 0;          // AVCLevelIndication (SPS level_idc)
  int nal_length_size = 4;    // 1, 2 or 4
  std::vector<Bytes> sps;     // NAL units, header byte included
  std::vector<Bytes> pps;
  // Present for high profiles (100, 110, 122, 144) when the record carries them.
  bool has_high_profile_fields = false;
  uint8_t chroma_format = 1;
  uint8_t bit_depth_luma = 8;
  uint8_t bit_depth_chroma = 8;
  std::vector<Bytes> sps_ext;

  // Parses a record; a record without any SPS is an error because nothing
  // downstream can decode or describe the stream. Never reads past `data`.
  static Result<AvcDecoderConfig> parse(ByteSpan data);

  // Builds a record from parameter sets (e.g. collected from libx264's Annex B
  // output). Profile, compatibility and level come from the first SPS; high
  // profiles get the chroma/bit-depth trailer from the parsed SPS.
  static Result<AvcDecoderConfig> from_parameter_sets(std::vector<Bytes> sps,
                                                      std::vector<Bytes> pps,
                                                      int nal_length_size = 4);

  // Serializes the record; errors if a list or a NAL unit is too long for its field.
  Result<Bytes> serialize() const;

  // RFC 6381 codec parameter, e.g. "avc1.64001f".
  std::string codec_string() const;
};

// RFC 6381 "avc1.PPCCLL" from the three SPS bytes.
std::string avc_codec_string(uint8_t profile, uint8_t compatibility, uint8_t level);

}  // namespace antcdn::format::avc
