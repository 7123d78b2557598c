#include "format/avc/avc_decoder_config.h"

#include <array>
#include <cstdio>

#include "format/avc/nal_units.h"
#include "format/avc/sps.h"

namespace antcdn::format::avc {
namespace {

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "avcC: " + what);
}

// Profiles for which 14496-15 defines the trailing chroma/bit-depth fields.
bool record_has_high_fields(uint8_t profile) {
  return profile == 100 || profile == 110 || profile == 122 || profile == 144;
}

bool read_nal_list(ByteReader& r, size_t count, std::vector<Bytes>& out) {
  for (size_t i = 0; i < count; ++i) {
    uint16_t len = r.u16be();
    ByteSpan nal = r.bytes(len);
    if (!r.ok()) {
      return false;
    }
    out.emplace_back(nal.begin(), nal.end());
  }
  return true;
}

bool write_nal_list(ByteWriter& w, const std::vector<Bytes>& nals) {
  for (const Bytes& nal : nals) {
    if (nal.size() > UINT16_MAX) {
      return false;
    }
    w.u16be(static_cast<uint16_t>(nal.size()));
    w.bytes(nal);
  }
  return true;
}

}  // namespace

std::string avc_codec_string(uint8_t profile, uint8_t compatibility, uint8_t level) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "avc1.%02x%02x%02x", profile, compatibility, level);
  return buf.data();
}

std::string AvcDecoderConfig::codec_string() const {
  return avc_codec_string(profile, compatibility, level);
}

Result<AvcDecoderConfig> AvcDecoderConfig::parse(ByteSpan data) {
  ByteReader r(data);
  AvcDecoderConfig c;
  uint8_t version = r.u8();
  c.profile = r.u8();
  c.compatibility = r.u8();
  c.level = r.u8();
  uint8_t length_byte = r.u8();
  uint8_t sps_count = r.u8() & 0x1f;
  if (!r.ok()) {
    return invalid("truncated header");
  }
  if (version != 1) {
    return invalid("configurationVersion " + std::to_string(version));
  }
  c.nal_length_size = (length_byte & 0x03) + 1;
  if (!valid_length_size(c.nal_length_size)) {
    return invalid("lengthSizeMinusOne 2 is not allowed");
  }
  if (!read_nal_list(r, sps_count, c.sps)) {
    return invalid("truncated SPS list");
  }
  uint8_t pps_count = r.u8();
  if (!r.ok() || !read_nal_list(r, pps_count, c.pps)) {
    return invalid("truncated PPS list");
  }
  if (c.sps.empty()) {
    return invalid("no SPS");
  }
  // Many encoders omit the high-profile trailer, so it is read only if present.
  if (record_has_high_fields(c.profile) && r.remaining() >= 4) {
    c.has_high_profile_fields = true;
    c.chroma_format = r.u8() & 0x03;
    c.bit_depth_luma = static_cast<uint8_t>((r.u8() & 0x07) + 8);
    c.bit_depth_chroma = static_cast<uint8_t>((r.u8() & 0x07) + 8);
    uint8_t ext_count = r.u8();
    if (!read_nal_list(r, ext_count, c.sps_ext)) {
      return invalid("truncated SPS extension list");
    }
  }
  return c;
}

Result<AvcDecoderConfig> AvcDecoderConfig::from_parameter_sets(std::vector<Bytes> sps,
                                                               std::vector<Bytes> pps,
                                                               int nal_length_size) {
  if (sps.empty() || pps.empty()) {
    return invalid("need at least one SPS and one PPS");
  }
  if (!valid_length_size(nal_length_size)) {
    return invalid("NAL length size " + std::to_string(nal_length_size));
  }
  auto parsed = parse_sps(sps.front());
  if (!parsed.ok()) {
    return parsed.error().with_context("avcC");
  }
  AvcDecoderConfig c;
  c.profile = parsed->profile_idc;
  c.compatibility = parsed->constraint_flags;
  c.level = parsed->level_idc;
  c.nal_length_size = nal_length_size;
  c.sps = std::move(sps);
  c.pps = std::move(pps);
  if (record_has_high_fields(c.profile)) {
    c.has_high_profile_fields = true;
    c.chroma_format = static_cast<uint8_t>(parsed->chroma_format_idc);
    c.bit_depth_luma = static_cast<uint8_t>(parsed->bit_depth_luma);
    c.bit_depth_chroma = static_cast<uint8_t>(parsed->bit_depth_chroma);
  }
  return c;
}

Result<Bytes> AvcDecoderConfig::serialize() const {
  if (!valid_length_size(nal_length_size)) {
    return invalid("NAL length size " + std::to_string(nal_length_size));
  }
  if (sps.size() > 31 || pps.size() > 255 || sps_ext.size() > 255) {
    return invalid("too many parameter sets");
  }
  ByteWriter w;
  w.u8(1);
  w.u8(profile);
  w.u8(compatibility);
  w.u8(level);
  w.u8(static_cast<uint8_t>(0xfc | (nal_length_size - 1)));
  w.u8(static_cast<uint8_t>(0xe0 | sps.size()));
  bool fits = write_nal_list(w, sps);
  w.u8(static_cast<uint8_t>(pps.size()));
  fits = write_nal_list(w, pps) && fits;
  if (has_high_profile_fields) {
    w.u8(static_cast<uint8_t>(0xfc | (chroma_format & 0x03)));
    w.u8(static_cast<uint8_t>(0xf8 | ((bit_depth_luma - 8) & 0x07)));
    w.u8(static_cast<uint8_t>(0xf8 | ((bit_depth_chroma - 8) & 0x07)));
    w.u8(static_cast<uint8_t>(sps_ext.size()));
    fits = write_nal_list(w, sps_ext) && fits;
  }
  if (!fits) {
    return invalid("parameter set longer than 65535 bytes");
  }
  return std::move(w).take();
}

}  // namespace antcdn::format::avc
