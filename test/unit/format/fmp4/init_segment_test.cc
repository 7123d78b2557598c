#include "format/fmp4/init_segment.h"

#include <string_view>

#include <gtest/gtest.h>

#include "format/fmp4/box_walker.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::fmp4 {
namespace {

using antcdn::test::hex;
using antcdn::test::u16_at;
using antcdn::test::u32_at;

// libx264 High profile 320x240 avcC.
const Bytes kAvcc = hex(
    "0164000dffe100196764000dacd94141fb0110000003001000000303c0f142996001000668ebe3cb22c0fdf8f800");

media::TrackInfo video_track() {
  media::TrackInfo t;
  t.id = 1;
  t.kind = media::MediaKind::Video;
  t.codec = media::Codec::H264;
  t.timescale = 90000;
  t.codec_config = kAvcc;
  return t;
}

media::TrackInfo audio_track() {
  media::TrackInfo t;
  t.id = 1;
  t.kind = media::MediaKind::Audio;
  t.codec = media::Codec::Aac;
  t.timescale = 48000;
  t.codec_config = hex("1190");
  t.bitrate = 128000;
  return t;
}

TEST(Fmp4InitSegment, VideoStructure) {
  auto init = write_init_segment(video_track());
  ASSERT_TRUE(init.ok()) << init.error().describe();
  auto boxes = walk_boxes(*init);
  ASSERT_TRUE(boxes.ok()) << boxes.error().describe();
  ASSERT_EQ(boxes->size(), 2u);
  EXPECT_EQ((*boxes)[0].type, "ftyp");
  EXPECT_EQ(as_chars((*boxes)[0].payload.first(4)), "iso6");
  EXPECT_NE(as_chars((*boxes)[0].payload).find("cmfc"), std::string_view::npos);

  const Box* mvhd = find_box(*boxes, "moov/mvhd");
  ASSERT_NE(mvhd, nullptr);
  EXPECT_EQ(u32_at(mvhd->payload, 96), 2u);  // next_track_ID

  const Box* tkhd = find_box(*boxes, "moov/trak/tkhd");
  ASSERT_NE(tkhd, nullptr);
  EXPECT_EQ(u32_at(tkhd->payload, 0) & 0xffffff, 3u);  // enabled | in movie
  EXPECT_EQ(u32_at(tkhd->payload, 12), 1u);            // track_ID
  EXPECT_EQ(u32_at(tkhd->payload, 76), 320u << 16);
  EXPECT_EQ(u32_at(tkhd->payload, 80), 240u << 16);

  const Box* mdhd = find_box(*boxes, "moov/trak/mdia/mdhd");
  ASSERT_NE(mdhd, nullptr);
  EXPECT_EQ(u32_at(mdhd->payload, 12), 90000u);
  const Box* hdlr = find_box(*boxes, "moov/trak/mdia/hdlr");
  ASSERT_NE(hdlr, nullptr);
  EXPECT_EQ(as_chars(hdlr->payload.subspan(8, 4)), "vide");

  EXPECT_NE(find_box(*boxes, "moov/trak/mdia/minf/vmhd"), nullptr);
  EXPECT_NE(find_box(*boxes, "moov/trak/mdia/minf/dinf/dref/url "), nullptr);
  for (const char* table : {"stts", "stsc", "stsz", "stco"}) {
    EXPECT_NE(find_box(*boxes, std::string("moov/trak/mdia/minf/stbl/") + table), nullptr) << table;
  }
  const Box* avc1 = find_box(*boxes, "moov/trak/mdia/minf/stbl/stsd/avc1");
  ASSERT_NE(avc1, nullptr);
  EXPECT_EQ(u16_at(avc1->payload, 24), 320);
  EXPECT_EQ(u16_at(avc1->payload, 26), 240);
  const Box* avcc = avc1->find("avcC");
  ASSERT_NE(avcc, nullptr);
  EXPECT_EQ(Bytes(avcc->payload.begin(), avcc->payload.end()), kAvcc);

  const Box* trex = find_box(*boxes, "moov/mvex/trex");
  ASSERT_NE(trex, nullptr);
  EXPECT_EQ(u32_at(trex->payload, 4), 1u);
  EXPECT_EQ(u32_at(trex->payload, 8), 1u);
}

TEST(Fmp4InitSegment, VideoSizeFromTrackWinsOverSps) {
  media::TrackInfo t = video_track();
  t.width = 640;
  t.height = 480;
  t.id = 7;
  auto init = write_init_segment(t);
  ASSERT_TRUE(init.ok());
  auto boxes = walk_boxes(*init);
  ASSERT_TRUE(boxes.ok());
  const Box* avc1 = find_box(*boxes, "moov/trak/mdia/minf/stbl/stsd/avc1");
  ASSERT_NE(avc1, nullptr);
  EXPECT_EQ(u16_at(avc1->payload, 24), 640);
  EXPECT_EQ(u32_at(find_box(*boxes, "moov/mvex/trex")->payload, 4), 7u);
}

TEST(Fmp4InitSegment, AudioStructureAndEsds) {
  auto init = write_init_segment(audio_track());
  ASSERT_TRUE(init.ok()) << init.error().describe();
  auto boxes = walk_boxes(*init);
  ASSERT_TRUE(boxes.ok()) << boxes.error().describe();
  EXPECT_NE(find_box(*boxes, "moov/trak/mdia/minf/smhd"), nullptr);
  const Box* hdlr = find_box(*boxes, "moov/trak/mdia/hdlr");
  ASSERT_NE(hdlr, nullptr);
  EXPECT_EQ(as_chars(hdlr->payload.subspan(8, 4)), "soun");
  const Box* tkhd = find_box(*boxes, "moov/trak/tkhd");
  EXPECT_EQ(u16_at(tkhd->payload, 36), 0x0100);  // volume

  const Box* mp4a = find_box(*boxes, "moov/trak/mdia/minf/stbl/stsd/mp4a");
  ASSERT_NE(mp4a, nullptr);
  EXPECT_EQ(u16_at(mp4a->payload, 16), 2);             // channelcount from the ASC
  EXPECT_EQ(u16_at(mp4a->payload, 18), 16);            // samplesize
  EXPECT_EQ(u32_at(mp4a->payload, 24), 48000u << 16);  // samplerate 16.16
  const Box* esds = mp4a->find("esds");
  ASSERT_NE(esds, nullptr);

  // Walk the descriptors: ES_Descriptor > DecoderConfigDescriptor > DecSpecificInfo.
  ByteReader r(esds->payload);
  r.skip(4);  // version, flags
  EXPECT_EQ(r.u8(), 0x03);
  size_t es_size = r.u8();
  EXPECT_EQ(es_size, r.remaining());
  r.skip(3);
  EXPECT_EQ(r.u8(), 0x04);
  size_t dcd_size = r.u8();
  EXPECT_EQ(dcd_size, 13u + 2 + 2);
  EXPECT_EQ(r.u8(), 0x40);  // MPEG-4 audio
  EXPECT_EQ(r.u8(), 0x15);  // audio stream
  r.skip(3);
  EXPECT_EQ(r.u32be(), 128000u);
  EXPECT_EQ(r.u32be(), 128000u);
  EXPECT_EQ(r.u8(), 0x05);
  EXPECT_EQ(r.u8(), 2);
  EXPECT_EQ(r.u16be(), 0x1190);
  EXPECT_EQ(r.u8(), 0x06);
  EXPECT_EQ(r.u8(), 1);
  EXPECT_EQ(r.u8(), 0x02);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.empty());
}

TEST(Fmp4InitSegment, BadTracksAreErrors) {
  media::TrackInfo t = video_track();
  t.codec_config = hex("01640d");
  EXPECT_FALSE(write_init_segment(t).ok());
  t = video_track();
  t.id = 0;
  EXPECT_FALSE(write_init_segment(t).ok());
  t = video_track();
  t.timescale = 0;
  EXPECT_FALSE(write_init_segment(t).ok());
  t = video_track();
  t.codec = media::Codec::Aac;
  EXPECT_FALSE(write_init_segment(t).ok());
  t = audio_track();
  t.codec_config = {};
  EXPECT_FALSE(write_init_segment(t).ok());
}

}  // namespace
}  // namespace antcdn::format::fmp4
