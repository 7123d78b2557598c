#pragma once

// MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): the AAC codec
// configuration carried by an FLV sequence header and inside an MP4 'esds'.

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::aac {

inline constexpr uint8_t kObjectTypeAacLc = 2;
inline constexpr uint8_t kObjectTypeSbr = 5;  // HE-AAC
inline constexpr uint8_t kObjectTypePs = 29;  // HE-AAC v2

struct AudioSpecificConfig {
  // As signalled first; for explicit HE-AAC this is 5 or 29, which is also
  // what the RFC 6381 codec string reports.
  uint8_t object_type = kObjectTypeAacLc;
  // The core codec under SBR/PS (e.g. 2), equal to object_type otherwise.
  uint8_t core_object_type = kObjectTypeAacLc;
  uint8_t sampling_frequency_index = 0;  // 15 when the rate is explicit
  uint32_t sample_rate = 0;              // of the core codec
  uint32_t extension_sample_rate = 0;    // SBR output rate, 0 without SBR
  uint8_t channel_config = 0;            // 0 = defined by a program config element
  uint8_t extension_channel_config = 0;  // only for an ER BSAC core under SBR
  bool frame_length_960 = false;         // GASpecificConfig frameLengthFlag

  // Parses the leading fields; trailing data (e.g. backward-compatible SBR
  // signalling) is ignored. Never reads past `data`.
  static Result<AudioSpecificConfig> parse(ByteSpan data);

  // A plain config (no SBR/PS extension, 1024-sample frames) for the given
  // object type, rate and channel configuration.
  static Result<AudioSpecificConfig> make(uint8_t object_type, uint32_t sample_rate,
                                          uint8_t channel_config);

  // Serializes object type, frequency and channel configuration (plus an
  // empty GASpecificConfig for AAC object types).
  Bytes serialize() const;

  // Channel count from channel_config; 0 when a PCE defines the layout.
  int channels() const;
  // Samples per channel in one raw frame (1024 or 960).
  int samples_per_frame() const { return frame_length_960 ? 960 : 1024; }
  // RFC 6381 codec parameter, e.g. "mp4a.40.2".
  std::string codec_string() const;
};

// Sampling frequency for an index 0..12, 0 for reserved or escape indices.
uint32_t sampling_frequency_for_index(uint8_t index);
// Index for a standard rate, or 15 when it must be written explicitly.
uint8_t index_for_sampling_frequency(uint32_t rate);

}  // namespace antcdn::format::aac
