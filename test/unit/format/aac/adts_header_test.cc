#include "format/aac/adts_header.h"

#include <gtest/gtest.h>

#include "common/bit_writer.h"

namespace antcdn::format::aac {
namespace {

struct Fields {
  uint32_t sync = 0xfff;
  uint32_t layer = 0;
  bool protection_absent = true;
  uint32_t profile = 1;  // AAC LC
  uint32_t sfi = 3;      // 48 kHz
  uint32_t channels = 2;
  uint32_t frame_length = 7 + 100;
  uint32_t blocks_minus_one = 0;
};

Bytes adts(const Fields& f) {
  BitWriter w;
  w.bits(12, f.sync);
  w.bits(1, 0);  // MPEG-4
  w.bits(2, f.layer);
  w.flag(f.protection_absent);
  w.bits(2, f.profile);
  w.bits(4, f.sfi);
  w.bits(1, 0);
  w.bits(3, f.channels);
  w.bits(4, 0);
  w.bits(13, f.frame_length);
  w.bits(11, 0x7ff);
  w.bits(2, f.blocks_minus_one);
  if (!f.protection_absent) {
    w.bits(16, 0xbeef);
  }
  return std::move(w).take();
}

TEST(AacAdtsHeader, ParsesLcStereo) {
  Bytes h = adts({});
  ASSERT_EQ(h.size(), 7u);
  EXPECT_EQ(h[0], std::byte{0xff});
  EXPECT_EQ(h[1], std::byte{0xf1});
  auto p = AdtsHeader::parse(h);
  ASSERT_TRUE(p.ok()) << p.error().describe();
  EXPECT_FALSE(p->has_crc);
  EXPECT_EQ(p->object_type, 2);
  EXPECT_EQ(p->sample_rate(), 48000u);
  EXPECT_EQ(p->channel_config, 2);
  EXPECT_EQ(p->frame_length, 107u);
  EXPECT_EQ(p->header_size, 7u);
  EXPECT_EQ(p->payload_size(), 100u);
  EXPECT_EQ(p->raw_data_blocks, 1);
  auto asc = p->audio_specific_config();
  ASSERT_TRUE(asc.ok());
  EXPECT_EQ(asc->serialize(), (Bytes{std::byte{0x11}, std::byte{0x90}}));
}

TEST(AacAdtsHeader, WithCrc) {
  Fields f;
  f.protection_absent = false;
  f.frame_length = 9 + 10;
  auto p = AdtsHeader::parse(adts(f));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->has_crc);
  EXPECT_EQ(p->header_size, 9u);
  EXPECT_EQ(p->payload_size(), 10u);
}

TEST(AacAdtsHeader, MalformedHeadersAreErrors) {
  Fields bad_sync;
  bad_sync.sync = 0xffe;
  EXPECT_FALSE(AdtsHeader::parse(adts(bad_sync)).ok());
  Fields bad_layer;
  bad_layer.layer = 1;
  EXPECT_FALSE(AdtsHeader::parse(adts(bad_layer)).ok());
  Fields bad_rate;
  bad_rate.sfi = 14;
  EXPECT_FALSE(AdtsHeader::parse(adts(bad_rate)).ok());
  Fields short_frame;
  short_frame.frame_length = 5;
  EXPECT_FALSE(AdtsHeader::parse(adts(short_frame)).ok());
  Bytes h = adts({});
  for (size_t n = 0; n < h.size(); ++n) {
    EXPECT_FALSE(AdtsHeader::parse(ByteSpan(h).first(n)).ok()) << n;
  }
  Fields crc;
  crc.protection_absent = false;
  Bytes with_crc = adts(crc);
  EXPECT_FALSE(AdtsHeader::parse(ByteSpan(with_crc).first(8)).ok());
}

}  // namespace
}  // namespace antcdn::format::aac
