#include "format/aac/adts_header.h"

#include <algorithm>
#include <string>

#include "common/bit_reader.h"

namespace antcdn::format::aac {
namespace {

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "adts: " + what);
}

}  // namespace

Result<AdtsHeader> AdtsHeader::parse(ByteSpan data) {
  BitReader br(data.first(std::min<size_t>(data.size(), 9)));
  AdtsHeader h;
  uint32_t sync = br.bits(12);
  h.mpeg2 = br.flag();
  uint32_t layer = br.bits(2);
  h.has_crc = !br.flag();  // protection_absent
  h.object_type = static_cast<uint8_t>(br.bits(2) + 1);
  h.sampling_frequency_index = static_cast<uint8_t>(br.bits(4));
  br.skip(1);  // private_bit
  h.channel_config = static_cast<uint8_t>(br.bits(3));
  br.skip(4);  // original_copy, home, copyright_identification_bit and _start
  h.frame_length = br.bits(13);
  br.skip(11);  // adts_buffer_fullness
  h.raw_data_blocks = static_cast<uint8_t>(br.bits(2) + 1);
  if (!br.ok()) {
    return invalid("truncated header");
  }
  if (sync != 0xfff) {
    return invalid("no syncword");
  }
  if (layer != 0) {
    return invalid("layer " + std::to_string(layer));
  }
  if (h.sample_rate() == 0) {
    return invalid("sampling frequency index " + std::to_string(h.sampling_frequency_index));
  }
  h.header_size = h.has_crc ? 9 : 7;
  if (h.has_crc && data.size() < 9) {
    return invalid("truncated CRC");
  }
  if (h.frame_length < h.header_size) {
    return invalid("frame length " + std::to_string(h.frame_length) + " below header size");
  }
  return h;
}

Result<AudioSpecificConfig> AdtsHeader::audio_specific_config() const {
  return AudioSpecificConfig::make(object_type, sample_rate(), channel_config);
}

}  // namespace antcdn::format::aac
