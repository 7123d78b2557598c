#include "format/avc/sps.h"

#include <array>
#include <string>

#include "common/bit_reader.h"
#include "format/avc/nal_units.h"

namespace antcdn::format::avc {
namespace {

// Picture size limits well above any level's maximum, so a hostile SPS cannot
// produce overflowing or absurd dimensions.
constexpr uint32_t kMaxMacroblocksPerSide = 1024;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "avc sps: " + what);
}

// delta_scale is limited to -128..127 (7.4.2.1.1); anything else is corrupt
// and would overflow the running sum.
bool skip_scaling_list(BitReader& br, int size) {
  int last = 8;
  int next = 8;
  for (int j = 0; j < size && br.ok(); ++j) {
    if (next != 0) {
      int32_t delta = br.se();
      if (delta < -128 || delta > 127) {
        return false;
      }
      next = (last + delta + 256) % 256;
    }
    last = next == 0 ? last : next;
  }
  return br.ok();
}

// Reads chroma format and bit depths, present only for high profiles.
bool read_high_profile_fields(BitReader& br, Sps& sps) {
  sps.chroma_format_idc = br.ue();
  if (sps.chroma_format_idc > 3) {
    return false;
  }
  if (sps.chroma_format_idc == 3) {
    br.skip(1);  // separate_colour_plane_flag
  }
  uint32_t luma = br.ue();
  uint32_t chroma = br.ue();
  if (luma > 6 || chroma > 6) {
    return false;
  }
  sps.bit_depth_luma = luma + 8;
  sps.bit_depth_chroma = chroma + 8;
  br.skip(1);       // qpprime_y_zero_transform_bypass_flag
  if (br.flag()) {  // seq_scaling_matrix_present_flag
    int lists = sps.chroma_format_idc == 3 ? 12 : 8;
    for (int i = 0; i < lists && br.ok(); ++i) {
      if (br.flag() && !skip_scaling_list(br, i < 6 ? 16 : 64)) {
        return false;
      }
    }
  }
  return br.ok();
}

bool skip_pic_order_cnt(BitReader& br) {
  uint32_t poc_type = br.ue();
  if (poc_type == 0) {
    br.ue();  // log2_max_pic_order_cnt_lsb_minus4
  } else if (poc_type == 1) {
    br.skip(1);  // delta_pic_order_always_zero_flag
    br.se();     // offset_for_non_ref_pic
    br.se();     // offset_for_top_to_bottom_field
    uint32_t cycle = br.ue();
    if (cycle > 255) {
      return false;
    }
    for (uint32_t i = 0; i < cycle && br.ok(); ++i) {
      br.se();
    }
  } else if (poc_type > 2) {
    return false;
  }
  return br.ok();
}

// VUI up to and including timing info; later fields are not needed.
void read_vui(BitReader& br, Sps& sps) {
  if (br.flag()) {  // aspect_ratio_info_present_flag
    struct Ratio {
      int w;
      int h;
    };
    // Table E-1; index 0 is "unspecified".
    static constexpr std::array<Ratio, 17> kSar = {{{0, 0},
                                                    {1, 1},
                                                    {12, 11},
                                                    {10, 11},
                                                    {16, 11},
                                                    {40, 33},
                                                    {24, 11},
                                                    {20, 11},
                                                    {32, 11},
                                                    {80, 33},
                                                    {18, 11},
                                                    {15, 11},
                                                    {64, 33},
                                                    {160, 99},
                                                    {4, 3},
                                                    {3, 2},
                                                    {2, 1}}};
    uint32_t idc = br.bits(8);
    if (idc == 255) {
      sps.sar_width = static_cast<int>(br.bits(16));
      sps.sar_height = static_cast<int>(br.bits(16));
    } else if (idc >= 1 && idc < 17) {
      sps.sar_width = kSar[idc].w;
      sps.sar_height = kSar[idc].h;
    }
    if (sps.sar_width == 0 || sps.sar_height == 0) {
      sps.sar_width = sps.sar_height = 1;
    }
  }
  if (br.flag()) {  // overscan_info_present_flag
    br.skip(1);
  }
  if (br.flag()) {  // video_signal_type_present_flag
    br.skip(4);     // video_format, video_full_range_flag
    if (br.flag()) {
      br.skip(24);  // colour_primaries, transfer_characteristics, matrix_coefficients
    }
  }
  if (br.flag()) {  // chroma_loc_info_present_flag
    br.ue();
    br.ue();
  }
  if (br.flag()) {  // timing_info_present_flag
    uint32_t units = br.bits(32);
    uint32_t scale = br.bits(32);
    bool fixed = br.flag();
    if (br.ok() && units > 0 && scale > 0) {
      sps.num_units_in_tick = units;
      sps.time_scale = scale;
      sps.fixed_frame_rate = fixed;
      // Two ticks per frame: H.264 counts fields (Annex E, equation E-3 with
      // field-based timing).
      sps.frame_rate = static_cast<double>(scale) / (2.0 * units);
    }
  }
}

}  // namespace

bool is_high_profile(uint8_t p) {
  switch (p) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
      return true;
    default:
      return false;
  }
}

Bytes unescape_rbsp(ByteSpan nal) {
  Bytes out;
  out.reserve(nal.size());
  int zeros = 0;
  for (std::byte b : nal) {
    if (zeros >= 2 && b == std::byte{3}) {
      zeros = 0;
      continue;
    }
    zeros = b == std::byte{0} ? zeros + 1 : 0;
    out.push_back(b);
  }
  return out;
}

Result<Sps> parse_sps(ByteSpan nal) {
  if (nal_type(nal) != static_cast<uint8_t>(NalType::Sps)) {
    return invalid("not an SPS NAL unit");
  }
  Bytes rbsp = unescape_rbsp(nal.subspan(1));
  BitReader br(rbsp);
  Sps sps;
  sps.profile_idc = static_cast<uint8_t>(br.bits(8));
  sps.constraint_flags = static_cast<uint8_t>(br.bits(8));
  sps.level_idc = static_cast<uint8_t>(br.bits(8));
  sps.sps_id = br.ue();
  if (!br.ok() || sps.sps_id > 31) {
    return invalid("truncated header or bad seq_parameter_set_id");
  }
  if (is_high_profile(sps.profile_idc) && !read_high_profile_fields(br, sps)) {
    return invalid("bad chroma format, bit depth or scaling matrix");
  }
  br.ue();  // log2_max_frame_num_minus4
  if (!skip_pic_order_cnt(br)) {
    return invalid("bad pic_order_cnt fields");
  }
  br.ue();     // max_num_ref_frames
  br.skip(1);  // gaps_in_frame_num_value_allowed_flag
  uint32_t width_mbs = br.ue() + 1;
  uint32_t height_map_units = br.ue() + 1;
  sps.frame_mbs_only = br.flag();
  if (!sps.frame_mbs_only) {
    br.skip(1);  // mb_adaptive_frame_field_flag
  }
  br.skip(1);                      // direct_8x8_inference_flag
  std::array<uint32_t, 4> crop{};  // left, right, top, bottom
  if (br.flag()) {
    for (auto& c : crop) {
      c = br.ue();
    }
  }
  if (!br.ok()) {
    return invalid("truncated before picture size");
  }
  if (width_mbs == 0 || height_map_units == 0 || width_mbs > kMaxMacroblocksPerSide ||
      height_map_units > kMaxMacroblocksPerSide) {
    return invalid("picture size out of range");
  }
  // Crop units depend on chroma subsampling and on field coding (7.4.2.1.1).
  uint32_t frame_factor = sps.frame_mbs_only ? 1 : 2;
  uint32_t crop_x = 1;
  uint32_t crop_y = frame_factor;
  if (sps.chroma_format_idc == 1 || sps.chroma_format_idc == 2) {
    crop_x = 2;
  }
  if (sps.chroma_format_idc == 1) {
    crop_y = 2 * frame_factor;
  }
  uint64_t coded_w = uint64_t{width_mbs} * 16;
  uint64_t coded_h = uint64_t{height_map_units} * 16 * frame_factor;
  uint64_t cut_w = uint64_t{crop_x} * (uint64_t{crop[0]} + crop[1]);
  uint64_t cut_h = uint64_t{crop_y} * (uint64_t{crop[2]} + crop[3]);
  if (cut_w >= coded_w || cut_h >= coded_h) {
    return invalid("cropping removes the whole picture");
  }
  sps.width = static_cast<int>(coded_w - cut_w);
  sps.height = static_cast<int>(coded_h - cut_h);
  if (br.flag()) {  // vui_parameters_present_flag
    // A truncated VUI still leaves a usable size; keep what was read.
    read_vui(br, sps);
  }
  return sps;
}

}  // namespace antcdn::format::avc
