#pragma once

// The body of an FLV audio tag, which is also the payload of an RTMP audio
// message (type 8). AAC and MP3 are accepted (MP3 is converted to AAC further
// on); every other sound format is recognised so that ingest can refuse it
// with an Unsupported error naming it.

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::flv {

enum class AacPacketType : uint8_t {
  SequenceHeader = 0,  // AudioSpecificConfig
  Raw = 1,             // one raw AAC frame, no ADTS header
};

enum class AudioCodec : uint8_t { Aac, Mp3 };

struct AudioTag {
  AudioCodec codec = AudioCodec::Aac;
  // The legacy rate/size/type bits; for AAC they are fixed by the spec and the
  // real values come from the AudioSpecificConfig, so they are informational
  // (MP3 frames carry their own rate and mode too).
  uint8_t rate_index = 3;  // 0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz
  bool sample_16bit = true;
  bool stereo = true;
  AacPacketType packet_type = AacPacketType::Raw;  // always Raw for MP3
  ByteSpan payload;                                // points into the parsed span
};

// Parses one audio tag body. AAC and MP3 (formats 2 and 14) come back as an
// AudioTag; other formats are Code::Unsupported naming them ("audio format
// Speex is not supported (AAC or MP3 only)"); malformed bytes are
// Code::InvalidArgument. Never reads past `body`.
Result<AudioTag> parse_audio_tag(ByteSpan body);

// Name of an FLV SoundFormat (e.g. 2 -> "MP3", 11 -> "Speex").
std::string sound_format_name(uint8_t sound_format);

}  // namespace antcdn::format::flv
