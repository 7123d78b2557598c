#include "format/aac/audio_specific_config.h"

#include <array>

#include "common/bit_reader.h"
#include "common/bit_writer.h"

namespace antcdn::format::aac {
namespace {

constexpr std::array<uint32_t, 13> kRates = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                             22050, 16000, 12000, 11025, 8000,  7350};
constexpr uint8_t kExplicitRate = 15;
constexpr uint8_t kObjectTypeErBsac = 22;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "AudioSpecificConfig: " + what);
}

uint8_t read_object_type(BitReader& br) {
  uint32_t t = br.bits(5);
  if (t == 31) {
    t = 32 + br.bits(6);
  }
  return static_cast<uint8_t>(t);
}

void write_object_type(BitWriter& bw, uint8_t t) {
  if (t >= 31) {
    bw.bits(5, 31);
    bw.bits(6, t - 32u);
  } else {
    bw.bits(5, t);
  }
}

// Returns 0 for a reserved index or an explicit rate of 0.
uint32_t read_rate(BitReader& br, uint8_t& index) {
  index = static_cast<uint8_t>(br.bits(4));
  return index == kExplicitRate ? br.bits(24) : sampling_frequency_for_index(index);
}

// Object types whose config continues with a GASpecificConfig.
bool has_ga_specific_config(uint8_t t) {
  switch (t) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 6:
    case 7:
    case 17:
    case 19:
    case 20:
    case 21:
    case 22:
    case 23:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint32_t sampling_frequency_for_index(uint8_t index) {
  return index < kRates.size() ? kRates[index] : 0;
}

uint8_t index_for_sampling_frequency(uint32_t rate) {
  for (size_t i = 0; i < kRates.size(); ++i) {
    if (kRates[i] == rate) {
      return static_cast<uint8_t>(i);
    }
  }
  return kExplicitRate;
}

Result<AudioSpecificConfig> AudioSpecificConfig::parse(ByteSpan data) {
  BitReader br(data);
  AudioSpecificConfig c;
  c.object_type = read_object_type(br);
  c.sample_rate = read_rate(br, c.sampling_frequency_index);
  c.channel_config = static_cast<uint8_t>(br.bits(4));
  if (!br.ok()) {
    return invalid("truncated");
  }
  if (c.object_type == 0) {
    return invalid("object type 0");
  }
  if (c.sample_rate == 0) {
    return invalid("sampling frequency index " + std::to_string(c.sampling_frequency_index));
  }
  c.core_object_type = c.object_type;
  // Explicit hierarchical SBR/PS signalling: the output rate, then the core type.
  if (c.object_type == kObjectTypeSbr || c.object_type == kObjectTypePs) {
    uint8_t ext_index = 0;
    c.extension_sample_rate = read_rate(br, ext_index);
    c.core_object_type = read_object_type(br);
    if (c.core_object_type == kObjectTypeErBsac) {
      c.extension_channel_config = static_cast<uint8_t>(br.bits(4));
    }
    if (!br.ok() || c.extension_sample_rate == 0) {
      return invalid("bad SBR extension");
    }
  }
  if (has_ga_specific_config(c.core_object_type)) {
    c.frame_length_960 = br.flag();
    if (!br.ok()) {
      return invalid("truncated GASpecificConfig");
    }
  }
  return c;
}

Result<AudioSpecificConfig> AudioSpecificConfig::make(uint8_t object_type, uint32_t sample_rate,
                                                      uint8_t channel_config) {
  // 31 is the escape code, not a type; escaped types reach 32 + 63.
  if (object_type == 0 || object_type == 31 || object_type > 95) {
    return invalid("object type " + std::to_string(object_type));
  }
  if (sample_rate == 0 || sample_rate >= (1u << 24)) {
    return invalid("sample rate " + std::to_string(sample_rate));
  }
  if (channel_config > 15) {
    return invalid("channel configuration " + std::to_string(channel_config));
  }
  AudioSpecificConfig c;
  c.object_type = object_type;
  c.core_object_type = object_type;
  c.sample_rate = sample_rate;
  c.sampling_frequency_index = index_for_sampling_frequency(sample_rate);
  c.channel_config = channel_config;
  return c;
}

Bytes AudioSpecificConfig::serialize() const {
  BitWriter bw;
  write_object_type(bw, object_type);
  uint8_t index = index_for_sampling_frequency(sample_rate);
  bw.bits(4, index);
  if (index == kExplicitRate) {
    bw.bits(24, sample_rate);
  }
  bw.bits(4, channel_config);
  if (object_type == kObjectTypeSbr || object_type == kObjectTypePs) {
    uint8_t ext_index = index_for_sampling_frequency(extension_sample_rate);
    bw.bits(4, ext_index);
    if (ext_index == kExplicitRate) {
      bw.bits(24, extension_sample_rate);
    }
    write_object_type(bw, core_object_type);
    if (core_object_type == kObjectTypeErBsac) {
      bw.bits(4, extension_channel_config);
    }
  }
  if (has_ga_specific_config(core_object_type)) {
    bw.flag(frame_length_960);
    bw.flag(false);  // dependsOnCoreCoder
    bw.flag(false);  // extensionFlag
  }
  return std::move(bw).take();
}

int AudioSpecificConfig::channels() const {
  static constexpr std::array<int, 16> kChannels = {0, 1, 2, 3, 4, 5,  6, 8,
                                                    0, 0, 0, 7, 8, 24, 8, 0};
  return kChannels[channel_config & 0x0f];
}

std::string AudioSpecificConfig::codec_string() const {
  return "mp4a.40." + std::to_string(object_type);
}

}  // namespace antcdn::format::aac
