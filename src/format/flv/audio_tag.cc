#include "format/flv/audio_tag.h"

#include <array>

namespace antcdn::format::flv {
namespace {

constexpr uint8_t kSoundFormatMp3 = 2;
constexpr uint8_t kSoundFormatMp3At8kHz = 14;
constexpr uint8_t kSoundFormatAac = 10;
constexpr uint8_t kSoundFormatExHeader = 9;  // Enhanced RTMP v2 audio FourCC

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "flv audio tag: " + what);
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace

std::string sound_format_name(uint8_t sound_format) {
  static constexpr std::array<const char*, 16> kNames = {
      "Linear PCM (platform endian)",
      "ADPCM",
      "MP3",
      "Linear PCM (little endian)",
      "Nellymoser 16 kHz mono",
      "Nellymoser 8 kHz mono",
      "Nellymoser",
      "G.711 A-law",
      "G.711 mu-law",
      "Enhanced RTMP ex-header",
      "AAC",
      "Speex",
      "reserved (12)",
      "reserved (13)",
      "MP3 8 kHz",
      "device-specific sound",
  };
  return sound_format < kNames.size() ? kNames[sound_format] : "unknown";
}

Result<AudioTag> parse_audio_tag(ByteSpan body) {
  ByteReader r(body);
  uint8_t first = r.u8();
  if (!r.ok()) {
    return invalid("empty body");
  }
  uint8_t format = first >> 4;
  if (format == kSoundFormatExHeader) {
    ByteSpan fourcc = r.bytes(4);
    std::string name = r.ok() ? "'" + printable(as_chars(fourcc)) + "'" : "(truncated FourCC)";
    return make_error(Code::Unsupported,
                      "audio codec Enhanced RTMP " + name + " is not supported (AAC or MP3 only)");
  }
  AudioTag tag;
  tag.rate_index = (first >> 2) & 0x03;
  tag.sample_16bit = (first & 0x02) != 0;
  tag.stereo = (first & 0x01) != 0;
  if (format == kSoundFormatMp3 || format == kSoundFormatMp3At8kHz) {
    tag.codec = AudioCodec::Mp3;
    tag.payload = r.rest();
    return tag;
  }
  if (format != kSoundFormatAac) {
    return make_error(Code::Unsupported, "audio format " + sound_format_name(format) +
                                             " is not supported (AAC or MP3 only)");
  }
  uint8_t packet_type = r.u8();
  if (!r.ok()) {
    return invalid("missing AACPacketType");
  }
  if (packet_type > 1) {
    return invalid("AACPacketType " + std::to_string(packet_type));
  }
  tag.packet_type = static_cast<AacPacketType>(packet_type);
  tag.payload = r.rest();
  return tag;
}

}  // namespace antcdn::format::flv
