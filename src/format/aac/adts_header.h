#pragma once

// ADTS frame header (ISO/IEC 13818-7 / 14496-3 1.A.2), for AAC that does not
// come through FLV: MPEG-TS over SRT (ingest/srt), raw .aac files in tests.

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "format/aac/audio_specific_config.h"

namespace antcdn::format::aac {

struct AdtsHeader {
  bool mpeg2 = false;  // ID bit: MPEG-2 rather than MPEG-4 syntax
  bool has_crc = false;
  uint8_t object_type = kObjectTypeAacLc;  // profile + 1
  uint8_t sampling_frequency_index = 4;
  uint8_t channel_config = 2;
  uint32_t frame_length = 0;  // header + payload, bytes
  uint8_t raw_data_blocks = 1;
  size_t header_size = 7;  // 9 with CRC

  // Parses the header at the start of `data` (the payload need not be there).
  static Result<AdtsHeader> parse(ByteSpan data);

  size_t payload_size() const { return frame_length - header_size; }
  uint32_t sample_rate() const { return sampling_frequency_for_index(sampling_frequency_index); }
  Result<AudioSpecificConfig> audio_specific_config() const;
};

}  // namespace antcdn::format::aac
