#include "ingest/srt/ts_access_units.h"

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::ingest::srt {
namespace {

using antcdn::test::concat;
using antcdn::test::hex;

// libx264 320x240 SPS and PPS (as in flv_demuxer_test), in Annex B.
const Bytes kSps =
    hex("67 64 00 0d ac d9 41 41 fb 01 10 00 00 03 00 10 00 00 03 03 c0 f1 42 99 60");
const Bytes kPps = hex("68 ef 8f cb fd f8 f8 00");
const Bytes kStart = hex("00 00 00 01");
// AAC-LC 48 kHz stereo ADTS frame with a 3-byte payload.
const Bytes kAdts = hex("ff f1 4c 80 01 5f fc 21 22 23");

struct Sink final : media::AccessUnitSink {
  std::vector<std::vector<media::TrackInfo>> announcements;
  std::vector<media::AccessUnit> units;
  void on_tracks(const std::vector<media::TrackInfo>& t) override { announcements.push_back(t); }
  void on_access_unit(media::AccessUnit&& u) override { units.push_back(std::move(u)); }
  void on_end(media::EndReason /*reason*/) override {}
};

TsPacket video(int64_t ms, bool key, const Bytes& data, TsCodec codec = TsCodec::H264) {
  return TsPacket{.kind = media::MediaKind::Video,
                  .codec = codec,
                  .codec_name = "h264",
                  .dts_ms = ms,
                  .pts_ms = ms,
                  .keyframe = key,
                  .data = data,
                  .width = 640,
                  .height = 360};
}
TsPacket audio(int64_t ms, const Bytes& data) {
  return TsPacket{.kind = media::MediaKind::Audio,
                  .codec = TsCodec::Aac,
                  .codec_name = "aac",
                  .dts_ms = ms,
                  .pts_ms = ms,
                  .data = data};
}

TEST(TsAccessUnits, AnnexBH264AndAdtsBecomeAvccAndRawAac) {
  Sink sink;
  TsAccessUnits units(sink, {});
  Bytes slice = hex("65 88 84");
  Bytes delta = concat({kStart, hex("41 9a 00")});
  ASSERT_TRUE(units.on_packet(video(1400, false, delta), 0).ok());  // before a keyframe: dropped
  Bytes key = concat({kStart, kSps, kStart, kPps, kStart, slice});
  ASSERT_TRUE(units.on_packet(video(1433, true, key), 0).ok());
  EXPECT_FALSE(units.announced());
  Bytes two_frames = concat({kAdts, kAdts});
  ASSERT_TRUE(units.on_packet(audio(1440, two_frames), 0).ok());
  ASSERT_TRUE(units.announced());
  const auto& tracks = sink.announcements.at(0);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].codec, media::Codec::H264);
  EXPECT_EQ(tracks[0].width, 320);
  EXPECT_EQ(tracks[1].codec_config, hex("11 90"));
  EXPECT_EQ(tracks[1].sample_rate, 48000);
  ASSERT_EQ(sink.units.size(), 3u);
  EXPECT_EQ(sink.units[0].dts, 33);  // time counts from the first packet seen
  // AVCC: each NAL unit behind its 4-byte length, the SPS (25 bytes) first.
  Bytes first(sink.units[0].data.begin(), sink.units[0].data.begin() + 5);
  EXPECT_EQ(first, hex("00 00 00 19 67"));
  EXPECT_EQ(sink.units[1].data, hex("21 22 23"));
  EXPECT_EQ(sink.units[2].dts - sink.units[1].dts, 21);  // 1024 samples at 48 kHz, rounded down
}

TEST(TsAccessUnits, H265KeepsAnnexBAndPassthroughRefusesIt) {
  // VPS (32), SPS (33), PPS (34) and an IDR slice (19), each a bare header.
  Bytes key = concat({kStart, hex("40 01 0c"), kStart, hex("42 01 01"), kStart, hex("44 01 c1"),
                      kStart, hex("26 01 af")});
  Sink sink;
  TsAccessUnits units(sink, {.expect_audio = false});
  ASSERT_TRUE(units.on_packet(video(0, true, key, TsCodec::H265), 0).ok());
  ASSERT_TRUE(units.announced());
  EXPECT_EQ(sink.announcements[0][0].codec, media::Codec::H265);
  EXPECT_EQ(sink.announcements[0][0].width, 640);
  EXPECT_EQ(sink.units.at(0).data, key);

  Sink refused_sink;
  TsAccessUnits refused(refused_sink, {.expect_audio = false, .refuse_h265 = true});
  Status s = refused.on_packet(video(0, true, key, TsCodec::H265), 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unsupported);
  EXPECT_NE(s.error().message.find("H.265 cannot be packaged"), std::string::npos);
}

TEST(TsAccessUnits, CodecsWeDoNotTakeAreNamed) {
  Sink sink;
  TsAccessUnits units(sink, {});
  TsPacket mpeg2 = video(0, true, kStart, TsCodec::Other);
  mpeg2.codec_name = "mpeg2video";
  Status s = units.on_packet(mpeg2, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unsupported);
  EXPECT_NE(s.error().message.find("mpeg2video"), std::string::npos);
}

}  // namespace
}  // namespace antcdn::ingest::srt
