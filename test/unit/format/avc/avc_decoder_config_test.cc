#include "format/avc/avc_decoder_config.h"

#include <string_view>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::avc {
namespace {

using antcdn::test::hex;

// The FLV sequence header ffmpeg/libx264 produced for a 320x240 High profile stream.
constexpr std::string_view kRealAvcc =
    "0164000dffe100196764000dacd94141fb0110000003001000000303c0f142996001000668ebe3cb22c0fdf8f800";
constexpr std::string_view kSps = "6764000dacd94141fb0110000003001000000303c0f1429960";
constexpr std::string_view kPps = "68ebe3cb22c0";

TEST(AvcDecoderConfig, ParsesRealRecord) {
  auto c = AvcDecoderConfig::parse(hex(kRealAvcc));
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->profile, 100);
  EXPECT_EQ(c->compatibility, 0);
  EXPECT_EQ(c->level, 13);
  EXPECT_EQ(c->nal_length_size, 4);
  ASSERT_EQ(c->sps.size(), 1u);
  ASSERT_EQ(c->pps.size(), 1u);
  EXPECT_EQ(c->sps[0], hex(kSps));
  EXPECT_EQ(c->pps[0], hex(kPps));
  EXPECT_TRUE(c->has_high_profile_fields);
  EXPECT_EQ(c->chroma_format, 1);
  EXPECT_EQ(c->bit_depth_luma, 8);
  EXPECT_EQ(c->codec_string(), "avc1.64000d");
}

TEST(AvcDecoderConfig, RoundTripsByteForByte) {
  Bytes real = hex(kRealAvcc);
  auto c = AvcDecoderConfig::parse(real);
  ASSERT_TRUE(c.ok());
  auto again = c->serialize();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, real);
}

TEST(AvcDecoderConfig, BuildsFromParameterSetsLikeFfmpeg) {
  auto c = AvcDecoderConfig::from_parameter_sets({hex(kSps)}, {hex(kPps)});
  ASSERT_TRUE(c.ok()) << c.error().describe();
  auto bytes = c->serialize();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, hex(kRealAvcc));
}

TEST(AvcDecoderConfig, BaselineHasNoTrailerAndTwoByteLengths) {
  auto c = AvcDecoderConfig::from_parameter_sets(
      {hex("6742c028d900780227e5c044000003000400000300c83c60c920")}, {hex("68cb83cb20")}, 2);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_high_profile_fields);
  EXPECT_EQ(c->codec_string(), "avc1.42c028");
  auto bytes = c->serialize();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[4], std::byte{0xfd});  // lengthSizeMinusOne = 1
  auto back = AvcDecoderConfig::parse(*bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->nal_length_size, 2);
  EXPECT_EQ(back->pps[0], hex("68cb83cb20"));
}

TEST(AvcDecoderConfig, HighRecordWithoutTrailerIsAccepted) {
  Bytes real = hex(kRealAvcc);
  real.resize(real.size() - 4);
  auto c = AvcDecoderConfig::parse(real);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_high_profile_fields);
}

TEST(AvcDecoderConfig, MalformedRecordsAreErrors) {
  Bytes real = hex(kRealAvcc);
  for (size_t n = 0; n + 4 < real.size(); ++n) {
    EXPECT_FALSE(AvcDecoderConfig::parse(ByteSpan(real).first(n)).ok()) << n;
  }
  Bytes bad_version = real;
  bad_version[0] = std::byte{0};
  EXPECT_FALSE(AvcDecoderConfig::parse(bad_version).ok());
  Bytes three_byte_lengths = real;
  three_byte_lengths[4] = std::byte{0xfe};
  EXPECT_FALSE(AvcDecoderConfig::parse(three_byte_lengths).ok());
  EXPECT_FALSE(AvcDecoderConfig::parse(hex("0164000dffe000")).ok());  // no SPS
  EXPECT_FALSE(AvcDecoderConfig::from_parameter_sets({}, {hex(kPps)}).ok());
  EXPECT_FALSE(AvcDecoderConfig::from_parameter_sets({hex(kPps)}, {hex(kPps)}).ok());
}

TEST(AvcDecoderConfig, CodecStringIsLowercaseHex) {
  EXPECT_EQ(avc_codec_string(0x4d, 0x40, 0x1f), "avc1.4d401f");
  EXPECT_EQ(avc_codec_string(0x64, 0x00, 0x28), "avc1.640028");
}

}  // namespace
}  // namespace antcdn::format::avc
