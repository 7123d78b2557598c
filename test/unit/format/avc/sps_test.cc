#include "format/avc/sps.h"

#include <string_view>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::avc {
namespace {

using antcdn::test::hex;

// Parameter sets taken from real libx264 output (ffmpeg 5.1, x264 core 164).
// High 4:2:0, 320x240, 30 fps, level 1.3.
constexpr std::string_view kHigh320x240 = "6764000dacd94141fb0110000003001000000303c0f1429960";
// Constrained Baseline, 1920x1080 (1088 coded, cropped), 25 fps, level 4.0.
constexpr std::string_view kBaseline1080p = "6742c028d900780227e5c044000003000400000300c83c60c920";
// High 4:2:2, 1280x720, 30000/1001 fps, level 3.1.
constexpr std::string_view kHigh422 = "677a001fbcd9405005bb011000003e90000ea600f1831960";

TEST(AvcSps, RealHighProfileSps) {
  auto sps = parse_sps(hex(kHigh320x240));
  ASSERT_TRUE(sps.ok()) << sps.error().describe();
  EXPECT_EQ(sps->profile_idc, 100);
  EXPECT_EQ(sps->constraint_flags, 0);
  EXPECT_EQ(sps->level_idc, 13);
  EXPECT_EQ(sps->chroma_format_idc, 1u);
  EXPECT_EQ(sps->bit_depth_luma, 8u);
  EXPECT_EQ(sps->width, 320);
  EXPECT_EQ(sps->height, 240);
  EXPECT_TRUE(sps->frame_mbs_only);
  EXPECT_DOUBLE_EQ(sps->frame_rate, 30.0);
  EXPECT_EQ(sps->sar_width, 1);
  EXPECT_EQ(sps->sar_height, 1);
}

TEST(AvcSps, RealBaselineSpsWithCropping) {
  auto sps = parse_sps(hex(kBaseline1080p));
  ASSERT_TRUE(sps.ok()) << sps.error().describe();
  EXPECT_EQ(sps->profile_idc, 66);
  EXPECT_EQ(sps->constraint_flags, 0xc0);
  EXPECT_EQ(sps->level_idc, 40);
  EXPECT_EQ(sps->chroma_format_idc, 1u);  // implied for non-high profiles
  EXPECT_EQ(sps->width, 1920);
  EXPECT_EQ(sps->height, 1080);
  EXPECT_DOUBLE_EQ(sps->frame_rate, 25.0);
}

TEST(AvcSps, RealHigh422SpsWithNtscRate) {
  auto sps = parse_sps(hex(kHigh422));
  ASSERT_TRUE(sps.ok()) << sps.error().describe();
  EXPECT_EQ(sps->profile_idc, 122);
  EXPECT_EQ(sps->chroma_format_idc, 2u);
  EXPECT_EQ(sps->width, 1280);
  EXPECT_EQ(sps->height, 720);
  EXPECT_NEAR(sps->frame_rate, 29.97, 0.001);
  EXPECT_EQ(sps->time_scale, 60000u);
  EXPECT_EQ(sps->num_units_in_tick, 1001u);
}

TEST(AvcSps, RemovesEmulationPreventionBytes) {
  EXPECT_EQ(unescape_rbsp(hex("00000300000301")), hex("0000000001"));
  EXPECT_EQ(unescape_rbsp(hex("000003030000")), hex("000003"
                                                    "0000"));
  EXPECT_EQ(unescape_rbsp(hex("0003")), hex("0003"));
}

TEST(AvcSps, EveryTruncationIsAnErrorNotACrash) {
  Bytes full = hex(kHigh320x240);
  // Cutting inside the VUI still yields a picture size, so only check that
  // each prefix parses or fails cleanly, and that short ones fail.
  for (size_t n = 0; n < full.size(); ++n) {
    auto sps = parse_sps(ByteSpan(full).first(n));
    if (n < 8) {
      EXPECT_FALSE(sps.ok()) << n;
    }
    if (sps.ok()) {
      EXPECT_EQ(sps->width, 320);
    }
  }
}

TEST(AvcSps, RejectsWrongNalTypeAndAbsurdValues) {
  EXPECT_FALSE(parse_sps(hex("68ebe3cb22c0")).ok());  // a PPS
  EXPECT_FALSE(parse_sps({}).ok());
  // Baseline SPS whose width ue() has 31 leading zeros: too large.
  EXPECT_FALSE(parse_sps(hex("6742c028f8000000000001")).ok());
  EXPECT_FALSE(parse_sps(hex("6742c028c8")).ok());  // pic_order_cnt_type 3
  // Found by fuzz_avc: a scaling list delta far outside -128..127.
  EXPECT_FALSE(parse_sps(hex("6764000dad800007ffffc0")).ok());
}

}  // namespace
}  // namespace antcdn::format::avc
