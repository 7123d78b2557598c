#include "ingest/rtmp/flv_demuxer.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/bit_writer.h"
#include "format/aac/audio_specific_config.h"
#include "support/bytes_helpers.h"

namespace antcdn::ingest::rtmp {
namespace {

using antcdn::test::concat;
using antcdn::test::hex;
using media::MediaKind;

// Codec configurations taken from real ffmpeg output (libx264 320x240 at 30
// fps, -preset veryfast = High profile and -preset ultrafast = Constrained
// Baseline; native aac 44.1 kHz mono), as FLV carries them.
const Bytes kAvccHigh =
    hex("01 64 00 0d ff e1 00 19 67 64 00 0d ac d9 41 41 fb 01 10 00 00 03 00 10 00 00 03 03 c0 f1"
        "42 99 60 01 00 04 68 ef 8f cb fd f8 f8 00");
const Bytes kAvccBaseline =
    hex("01 42 c0 0d ff e1 00 16 67 42 c0 0d da 05 07 ec 04 40 00 00 03 00 40 00 00 0f 23 c5 0a a8"
        "01 00 04 68 ce 0f c8");
const Bytes kAscMono44 = hex("12 08");
const Bytes kAscStereo48 = hex("11 90");

struct RecordingSink final : media::AccessUnitSink {
  std::vector<std::vector<media::TrackInfo>> announcements;
  std::vector<media::AccessUnit> units;
  std::vector<std::string> order;  // "tracks" / "au" in call order
  void on_tracks(const std::vector<media::TrackInfo>& tracks) override {
    announcements.push_back(tracks);
    order.emplace_back("tracks");
  }
  void on_access_unit(media::AccessUnit&& unit) override {
    units.push_back(std::move(unit));
    order.emplace_back("au");
  }
  void on_end(media::EndReason /*reason*/) override { ADD_FAILURE() << "ingest never ends a sink"; }

  std::vector<media::AccessUnit> track(int id) const {
    std::vector<media::AccessUnit> out;
    for (const auto& u : units) {
      if (u.track_id == id) {
        out.push_back(u);
      }
    }
    return out;
  }
  std::vector<int64_t> dts(int id) const {
    std::vector<int64_t> out;
    for (const auto& u : track(id)) {
      out.push_back(u.dts);
    }
    return out;
  }
};

Bytes u24(int32_t v) {
  auto x = static_cast<uint32_t>(v) & 0xffffff;
  return {std::byte(x >> 16), std::byte(x >> 8), std::byte(x)};
}

// FLV video tag bodies (legacy AVC header: frame type/codec, packet type, cts).
Bytes video_config(const Bytes& avcc) {
  return concat({hex("17 00 00 00 00"), avcc});
}
// One AVCC-framed NAL unit of `size` bytes (4-byte length), IDR or not.
Bytes nal4(bool idr, size_t size) {
  Bytes nal = {std::byte(idr ? 0x65 : 0x41)};
  nal.resize(size, std::byte{0xab});
  ByteWriter w;
  w.u32be(static_cast<uint32_t>(nal.size()));
  w.bytes(nal);
  return std::move(w).take();
}
Bytes video_frame(bool key, int32_t cts, const Bytes& nalus) {
  return concat({key ? hex("17 01") : hex("27 01"), u24(cts), nalus});
}
Bytes video_frame(bool key, int32_t cts = 0, size_t size = 20) {
  return video_frame(key, cts, nal4(key, size));
}
Bytes audio_config(const Bytes& asc) {
  return concat({hex("af 00"), asc});
}
Bytes audio_frame(size_t size = 10) {
  Bytes b = hex("af 01");
  b.resize(2 + size, std::byte{0x21});
  return b;
}

class FlvDemuxerTest : public ::testing::Test {
 protected:
  Status video(uint32_t ts, const Bytes& body) {
    return demuxer.on_media(MediaKind::Video, ts, Bytes(body), 1000 + ts);
  }
  Status audio(uint32_t ts, const Bytes& body) {
    return demuxer.on_media(MediaKind::Audio, ts, Bytes(body), 1000 + ts);
  }
  void both_configs(uint32_t ts = 0) {
    ASSERT_TRUE(video(ts, video_config(kAvccHigh)).ok());
    ASSERT_TRUE(audio(ts, audio_config(kAscMono44)).ok());
    ASSERT_TRUE(demuxer.announced());
  }

  RecordingSink sink;
  FlvDemuxer demuxer{sink};
};

TEST_F(FlvDemuxerTest, AnnouncesBothTracksOnceBothConfigsAreKnown) {
  ASSERT_TRUE(video(0, video_config(kAvccHigh)).ok());
  EXPECT_FALSE(demuxer.announced());
  EXPECT_TRUE(sink.announcements.empty());
  ASSERT_TRUE(audio(0, audio_config(kAscMono44)).ok());
  ASSERT_TRUE(demuxer.announced());
  ASSERT_EQ(sink.announcements.size(), 1u);
  const auto& tracks = sink.announcements[0];
  ASSERT_EQ(tracks.size(), 2u);

  const media::TrackInfo& v = tracks[0];
  EXPECT_EQ(v.id, kVideoTrackId);
  EXPECT_EQ(v.kind, MediaKind::Video);
  EXPECT_EQ(v.codec, media::Codec::H264);
  EXPECT_EQ(v.timescale, 1000u);
  EXPECT_EQ(v.width, 320);
  EXPECT_EQ(v.height, 240);
  EXPECT_EQ(v.codec_config, kAvccHigh);  // already 4-byte NAL lengths: unchanged
  const media::TrackInfo& a = tracks[1];
  EXPECT_EQ(a.id, kAudioTrackId);
  EXPECT_EQ(a.kind, MediaKind::Audio);
  EXPECT_EQ(a.codec, media::Codec::Aac);
  EXPECT_EQ(a.timescale, 1000u);
  EXPECT_EQ(a.sample_rate, 44100);
  EXPECT_EQ(a.channels, 1);
  EXPECT_EQ(a.codec_config, kAscMono44);

  // Repeated identical configs (encoders resend them) announce nothing new.
  ASSERT_TRUE(video(40, video_config(kAvccHigh)).ok());
  ASSERT_TRUE(audio(40, audio_config(kAscMono44)).ok());
  EXPECT_EQ(sink.announcements.size(), 1u);
}

TEST_F(FlvDemuxerTest, ConfigsInEitherOrderAndOtherFormats) {
  ASSERT_TRUE(audio(0, audio_config(kAscStereo48)).ok());
  EXPECT_FALSE(demuxer.announced());
  ASSERT_TRUE(video(0, video_config(kAvccBaseline)).ok());
  ASSERT_EQ(sink.announcements.size(), 1u);
  const auto& tracks = sink.announcements[0];
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].kind, MediaKind::Video);  // video first, whatever came first
  EXPECT_EQ(tracks[0].width, 320);
  EXPECT_EQ(tracks[0].height, 240);
  EXPECT_EQ(tracks[1].sample_rate, 48000);
  EXPECT_EQ(tracks[1].channels, 2);
}

TEST_F(FlvDemuxerTest, FrameRateFromTheSpsOrTheMetadataHint) {
  demuxer.set_frame_rate_hint(25);
  both_configs();
  // ffmpeg's SPS carries VUI timing (30 fps), which wins over onMetaData.
  EXPECT_DOUBLE_EQ(sink.announcements[0][0].frame_rate, 30);
}

TEST_F(FlvDemuxerTest, PendingUnitsAreFlushedInOrderAfterTheAnnouncement) {
  ASSERT_TRUE(video(0, video_config(kAvccHigh)).ok());
  ASSERT_TRUE(video(0, video_frame(true, 66)).ok());
  ASSERT_TRUE(video(33, video_frame(false, 33)).ok());
  ASSERT_TRUE(video(66, video_frame(false, 0)).ok());
  EXPECT_TRUE(sink.units.empty()) << "held until the tracks are known";
  ASSERT_TRUE(audio(70, audio_config(kAscMono44)).ok());
  ASSERT_TRUE(video(100, video_frame(false)).ok());
  ASSERT_TRUE(audio(93, audio_frame()).ok());

  ASSERT_EQ(sink.order.size(), 6u);
  EXPECT_EQ(sink.order[0], "tracks");  // on_tracks before any unit
  EXPECT_EQ(sink.dts(kVideoTrackId), (std::vector<int64_t>{0, 33, 66, 100}));
  EXPECT_EQ(sink.dts(kAudioTrackId), (std::vector<int64_t>{93}));
  auto v = sink.track(kVideoTrackId);
  EXPECT_TRUE(v[0].keyframe);
  EXPECT_FALSE(v[1].keyframe);
  EXPECT_EQ(v[0].pts, 66);  // dts + composition time
  EXPECT_EQ(v[1].pts, 66);
  EXPECT_EQ(v[2].pts, 66);
  EXPECT_EQ(v[0].arrival_unix_ms, 1000);
  EXPECT_EQ(v[3].arrival_unix_ms, 1100);
  EXPECT_EQ(v[0].data, nal4(true, 20));
  auto a = sink.track(kAudioTrackId);
  EXPECT_TRUE(a[0].keyframe);
  EXPECT_EQ(a[0].pts, a[0].dts);
  EXPECT_EQ(a[0].data, Bytes(10, std::byte{0x21}));  // raw AAC, tag header gone
  EXPECT_EQ(demuxer.video_frames(), 4u);
  EXPECT_EQ(demuxer.audio_frames(), 1u);
}

TEST_F(FlvDemuxerTest, AudioBeforeItsConfigAndVideoBeforeItsConfigAreDropped) {
  ASSERT_TRUE(video(0, video_frame(true)).ok());
  ASSERT_TRUE(audio(0, audio_frame()).ok());
  both_configs(10);
  ASSERT_TRUE(video(20, video_frame(true)).ok());
  EXPECT_EQ(sink.dts(kVideoTrackId), (std::vector<int64_t>{20}));
  EXPECT_TRUE(sink.track(kAudioTrackId).empty());
  EXPECT_EQ(demuxer.video_frames(), 1u);
}

TEST_F(FlvDemuxerTest, CommandFramesEndOfSequenceAndEmptyFramesAreIgnored) {
  both_configs();
  ASSERT_TRUE(video(0, hex("57 01")).ok());           // video info/command frame
  ASSERT_TRUE(video(0, hex("17 02 00 00 00")).ok());  // AVC end of sequence
  ASSERT_TRUE(video(0, hex("27 01 00 00 00")).ok());  // a NALU packet without NAL units
  ASSERT_TRUE(audio(0, hex("af 01")).ok());           // an AAC packet without a frame
  EXPECT_TRUE(sink.units.empty());
}

TEST_F(FlvDemuxerTest, TwoByteNalLengthsAreConvertedToFour) {
  Bytes avcc = kAvccBaseline;
  avcc[4] = std::byte{0xfd};  // lengthSizeMinusOne = 1
  ASSERT_TRUE(video(0, video_config(avcc)).ok());
  ASSERT_TRUE(audio(0, audio_config(kAscMono44)).ok());
  ASSERT_EQ(sink.announcements.size(), 1u);
  EXPECT_EQ(sink.announcements[0][0].codec_config, kAvccBaseline)
      << "announced with 4-byte lengths";

  ASSERT_TRUE(video(0, video_frame(true, 0, hex("00 03 65 88 84  00 02 41 9a"))).ok());
  ASSERT_EQ(sink.units.size(), 1u);
  EXPECT_EQ(sink.units[0].data, hex("00 00 00 03 65 88 84  00 00 00 02 41 9a"));

  // A length running past the frame is a malformed tag.
  Status bad = video(33, video_frame(false, 0, hex("00 09 41 9a")));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Code::InvalidArgument);
}

TEST_F(FlvDemuxerTest, VideoOnlyStreamIsAnnouncedAfterAnnounceAfterMs) {
  ASSERT_TRUE(video(5000, video_config(kAvccHigh)).ok());
  for (uint32_t ts = 5000; ts < 6000; ts += 100) {
    ASSERT_TRUE(video(ts, video_frame(ts == 5000)).ok());
    ASSERT_FALSE(demuxer.announced()) << "at " << ts;
  }
  ASSERT_TRUE(video(6000, video_frame(false)).ok());  // 1000 ms after the config
  ASSERT_TRUE(demuxer.announced());
  ASSERT_EQ(sink.announcements.size(), 1u);
  ASSERT_EQ(sink.announcements[0].size(), 1u);
  EXPECT_EQ(sink.announcements[0][0].kind, MediaKind::Video);
  ASSERT_EQ(sink.track(kVideoTrackId).size(), 11u);  // every pending frame, then the last
  EXPECT_EQ(sink.units.front().dts, 5000);

  // Audio that shows up later is ignored rather than changing the tracks.
  ASSERT_TRUE(audio(6010, audio_config(kAscMono44)).ok());
  ASSERT_TRUE(audio(6020, audio_frame()).ok());
  EXPECT_EQ(sink.announcements.size(), 1u);
  EXPECT_TRUE(sink.track(kAudioTrackId).empty());
}

TEST(FlvDemuxer, AnnounceAfterMsIsConfigurable) {
  RecordingSink sink;
  FlvDemuxer demuxer(sink, FlvDemuxerOptions{.announce_after_ms = 200});
  ASSERT_TRUE(demuxer.on_media(MediaKind::Video, 0, video_config(kAvccHigh), 0).ok());
  ASSERT_TRUE(demuxer.on_media(MediaKind::Video, 199, video_frame(true), 0).ok());
  EXPECT_FALSE(demuxer.announced());
  ASSERT_TRUE(demuxer.on_media(MediaKind::Video, 200, video_frame(false), 0).ok());
  EXPECT_TRUE(demuxer.announced());
}

TEST_F(FlvDemuxerTest, AudioOnlyIsRefusedAsUnsupported) {
  ASSERT_TRUE(audio(0, audio_config(kAscMono44)).ok());
  Status s;
  for (uint32_t ts = 0; ts <= 1100 && s.ok(); ts += 23) {
    s = audio(ts, audio_frame());
  }
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unsupported);
  EXPECT_NE(s.error().message.find("audio-only"), std::string::npos) << s.error().message;
  EXPECT_TRUE(sink.announcements.empty());
  EXPECT_TRUE(sink.units.empty());
}

TEST_F(FlvDemuxerTest, UnsupportedCodecsAreRefusedByName) {
  struct Case {
    MediaKind kind;
    Bytes body;
    const char* name;
  };
  const std::vector<Case> cases = {
      {MediaKind::Video, hex("22 00 00 00 00"), "Sorenson H.263"},
      {MediaKind::Video, hex("14 00 00 00 00"), "On2 VP6"},
      {MediaKind::Video, hex("1c 00 00 00 00"), "HEVC"},                  // codec id 12
      {MediaKind::Video, concat({hex("90"), to_bytes("hvc1")}), "HEVC"},  // Enhanced RTMP
      {MediaKind::Video, concat({hex("90"), to_bytes("av01")}), "AV1"},
      {MediaKind::Audio, hex("6f 00"), "Nellymoser"},
      {MediaKind::Audio, hex("bf 00"), "Speex"},
      {MediaKind::Audio, hex("3f 00"), "Linear PCM"},
      {MediaKind::Audio, concat({hex("90"), to_bytes("Opus")}), "Opus"},
  };
  for (const auto& c : cases) {
    RecordingSink sink;
    FlvDemuxer demuxer(sink);
    Status s = demuxer.on_media(c.kind, 0, Bytes(c.body), 0);
    ASSERT_FALSE(s.ok()) << c.name;
    EXPECT_EQ(s.error().code, Code::Unsupported) << c.name;
    EXPECT_NE(s.error().message.find(c.name), std::string::npos) << s.error().message;
    EXPECT_TRUE(sink.announcements.empty());
  }
  // Also mid-stream, after good tracks.
  both_configs();
  Status s = audio(10, hex("2f ff fb"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unsupported);
}

TEST_F(FlvDemuxerTest, Mp3FramesMakeAnMp3TrackWithoutASequenceHeader) {
  // 0x2e: MP3, 44 kHz, 16-bit, mono; then one frame's bytes.
  const Bytes mp3 = hex("2e ff fb 50 c4 00 00");
  ASSERT_TRUE(video(0, video_config(kAvccHigh)).ok());
  ASSERT_TRUE(audio(0, mp3).ok());
  ASSERT_TRUE(demuxer.announced());
  const auto& tracks = sink.announcements.at(0);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[1].codec, media::Codec::Mp3);
  EXPECT_EQ(tracks[1].sample_rate, 44100);
  EXPECT_EQ(tracks[1].channels, 1);
  EXPECT_TRUE(tracks[1].codec_config.empty());
  ASSERT_TRUE(audio(26, mp3).ok());
  auto units = sink.track(kAudioTrackId);
  ASSERT_EQ(units.size(), 2u);  // the frame that made the track is kept
  EXPECT_EQ(units[0].data, hex("ff fb 50 c4 00 00"));
  EXPECT_EQ(units[1].dts, 26);

  // AAC frames on an MP3 track (or the other way round) are refused.
  Status mixed = audio(52, audio_frame());
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code, Code::Unsupported);
  RecordingSink sink2;
  FlvDemuxer d2(sink2);
  ASSERT_TRUE(d2.on_media(MediaKind::Audio, 0, audio_config(kAscMono44), 0).ok());
  Status a = d2.on_media(MediaKind::Audio, 20, Bytes(mp3), 0);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Code::Unsupported);
}

TEST_F(FlvDemuxerTest, ConfigurationChangeMidStreamIsUnsupported) {
  both_configs();
  ASSERT_TRUE(video(0, video_frame(true)).ok());
  Status v = video(33, video_config(kAvccBaseline));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::Unsupported);
  EXPECT_NE(v.error().message.find("video configuration"), std::string::npos);

  RecordingSink sink2;
  FlvDemuxer d2(sink2);
  ASSERT_TRUE(d2.on_media(MediaKind::Video, 0, video_config(kAvccHigh), 0).ok());
  ASSERT_TRUE(d2.on_media(MediaKind::Audio, 0, audio_config(kAscMono44), 0).ok());
  Status a = d2.on_media(MediaKind::Audio, 20, audio_config(kAscStereo48), 0);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Code::Unsupported);
  EXPECT_NE(a.error().message.find("audio configuration"), std::string::npos);
}

TEST_F(FlvDemuxerTest, MalformedTagsAreErrors) {
  struct Case {
    MediaKind kind;
    Bytes body;
  };
  Bytes no_sps = hex("01 64 00 0d ff e0 01 00 04 68 ef 8f cb");
  Bytes bad_sps = hex("01 64 00 0d ff e1 00 02 67 64 01 00 04 68 ef 8f cb");
  const std::vector<Case> cases = {
      {MediaKind::Video, {}},                          // empty body
      {MediaKind::Video, hex("17 01 00")},             // truncated AVC header
      {MediaKind::Video, hex("17 05 00 00 00")},       // AVCPacketType 5
      {MediaKind::Video, hex("07 01 00 00 00")},       // frame type 0
      {MediaKind::Video, video_config(hex("01 64"))},  // truncated avcC
      {MediaKind::Video, video_config(no_sps)},        // avcC without an SPS
      {MediaKind::Video, video_config(bad_sps)},       // SPS cut short
      {MediaKind::Audio, {}},                          // empty body
      {MediaKind::Audio, hex("af")},                   // no AACPacketType
      {MediaKind::Audio, hex("af 07")},                // AACPacketType 7
      {MediaKind::Audio, audio_config({})},            // empty AudioSpecificConfig
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    RecordingSink sink;
    FlvDemuxer demuxer(sink);
    Status s = demuxer.on_media(cases[i].kind, 0, Bytes(cases[i].body), 0);
    ASSERT_FALSE(s.ok()) << "case " << i;
    EXPECT_EQ(s.error().code, Code::InvalidArgument)
        << "case " << i << ": " << s.error().describe();
    EXPECT_TRUE(sink.announcements.empty());
  }
}

TEST_F(FlvDemuxerTest, ThirtyTwoBitTimestampWrapIsUnwrapped) {
  constexpr int64_t kWrap = int64_t{1} << 32;
  const uint32_t start = 0xffffff00u;  // 256 ms before the wrap
  both_configs(start);
  std::vector<int64_t> want;
  for (int i = 0; i < 16; ++i) {
    int64_t t = int64_t{start} + i * 33;
    ASSERT_TRUE(video(static_cast<uint32_t>(t), video_frame(i == 0)).ok());
    want.push_back(t);
  }
  EXPECT_EQ(sink.dts(kVideoTrackId), want);
  EXPECT_GT(want.back(), kWrap) << "the test crosses the wrap";

  // Audio lagging behind video, from just before the wrap, stays before it.
  ASSERT_TRUE(audio(0xfffffff0u, audio_frame()).ok());
  ASSERT_TRUE(audio(0x00000008u, audio_frame()).ok());
  EXPECT_EQ(sink.dts(kAudioTrackId), (std::vector<int64_t>{kWrap - 16, kWrap + 8}));
  // ...and video goes on after the wrap.
  ASSERT_TRUE(video(0x00000200u, video_frame(false)).ok());
  EXPECT_EQ(sink.dts(kVideoTrackId).back(), kWrap + 0x200);
}

TEST_F(FlvDemuxerTest, BackwardJumpIsSmoothedOverForBothTracks) {
  both_configs(10000);
  ASSERT_TRUE(video(10000, video_frame(true)).ok());
  ASSERT_TRUE(video(10033, video_frame(false)).ok());
  // The encoder restarts its clock: 10033 -> 100 is far beyond 500 ms back.
  ASSERT_TRUE(video(100, video_frame(false)).ok());
  ASSERT_TRUE(audio(110, audio_frame()).ok());
  ASSERT_TRUE(video(133, video_frame(false)).ok());
  EXPECT_EQ(sink.dts(kVideoTrackId), (std::vector<int64_t>{10000, 10033, 10066, 10099}));
  // Audio shares the offset, so it stays in sync with video.
  EXPECT_EQ(sink.dts(kAudioTrackId), (std::vector<int64_t>{10076}));
}

TEST_F(FlvDemuxerTest, ForwardJumpIsSmoothedOver) {
  both_configs();
  ASSERT_TRUE(video(0, video_frame(true)).ok());
  ASSERT_TRUE(video(33, video_frame(false)).ok());
  ASSERT_TRUE(video(50033, video_frame(false)).ok());  // +50 s
  ASSERT_TRUE(video(50066, video_frame(false)).ok());
  ASSERT_TRUE(audio(50070, audio_frame()).ok());
  EXPECT_EQ(sink.dts(kVideoTrackId), (std::vector<int64_t>{0, 33, 66, 99}));
  EXPECT_EQ(sink.dts(kAudioTrackId), (std::vector<int64_t>{103}));

  // A gap within the bound (e.g. a few seconds of dropped frames) is kept.
  ASSERT_TRUE(video(55066, video_frame(false)).ok());
  EXPECT_EQ(sink.dts(kVideoTrackId).back(), 5099);
}

TEST_F(FlvDemuxerTest, DtsIsStrictlyMonotonicPerTrackEvenForSmallBackwardSteps) {
  both_configs(1000);
  ASSERT_TRUE(video(1000, video_frame(true, 40)).ok());
  ASSERT_TRUE(video(1000, video_frame(false, 40)).ok());  // repeated timestamp
  ASSERT_TRUE(video(990, video_frame(false, 40)).ok());   // 10 ms back: within tolerance
  ASSERT_TRUE(video(1033, video_frame(false, 40)).ok());
  // Interleaving slightly behind video is normal and not smoothed.
  ASSERT_TRUE(audio(1010, audio_frame()).ok());
  ASSERT_TRUE(audio(1010, audio_frame()).ok());
  ASSERT_TRUE(audio(1033, audio_frame()).ok());
  EXPECT_EQ(sink.dts(kVideoTrackId), (std::vector<int64_t>{1000, 1001, 1002, 1033}));
  EXPECT_EQ(sink.dts(kAudioTrackId), (std::vector<int64_t>{1010, 1011, 1033}));
  for (const auto& u : sink.track(kVideoTrackId)) {
    EXPECT_EQ(u.pts, u.dts + 40);
  }
}

TEST_F(FlvDemuxerTest, NegativeCompositionTimeIsCarried) {
  both_configs();
  ASSERT_TRUE(video(100, video_frame(true, -33)).ok());
  ASSERT_EQ(sink.units.size(), 1u);
  EXPECT_EQ(sink.units[0].pts, 67);
}

// An AVCDecoderConfigurationRecord around a Baseline SPS of the given size
// (no VUI), written field by field (7.3.2.1.1).
Bytes avcc_for_size(uint32_t width, uint32_t height) {
  BitWriter bw;
  auto ue = [&bw](uint32_t v) {
    int n = 0;
    for (uint32_t x = v + 1; x > 1; x >>= 1) {
      ++n;
    }
    bw.bits(n, 0);
    bw.bits(n + 1, v + 1);
  };
  bw.bits(8, 0x67);  // NAL header: SPS
  bw.bits(8, 66);    // profile_idc: Baseline
  bw.bits(8, 0xc0);  // constraint flags
  bw.bits(8, 51);    // level_idc
  ue(0);             // seq_parameter_set_id
  ue(0);             // log2_max_frame_num_minus4
  ue(2);             // pic_order_cnt_type
  ue(1);             // max_num_ref_frames
  bw.flag(false);    // gaps_in_frame_num_value_allowed_flag
  ue(width / 16 - 1);
  ue(height / 16 - 1);
  bw.flag(true);   // frame_mbs_only_flag
  bw.flag(true);   // direct_8x8_inference_flag
  bw.flag(false);  // frame_cropping_flag
  bw.flag(false);  // vui_parameters_present_flag
  bw.flag(true);   // rbsp_stop_one_bit
  Bytes sps = std::move(bw).take();
  ByteWriter w;
  w.bytes(hex("01 42 c0 33 ff e1"));
  w.u16be(static_cast<uint16_t>(sps.size()));
  w.bytes(sps);
  w.bytes(hex("01 00 04 68 ce 0f c8"));
  return std::move(w).take();
}

TEST(FlvDemuxer, TinyFramesThatNeverLetTheTracksBeAnnouncedAreRefused) {
  // A flood of 1-byte frames at one timestamp after the video config: media
  // time never moves, so the tracks are never announced; holding them all
  // would grow without end.
  RecordingSink sink;
  FlvDemuxer demuxer(sink);
  ASSERT_TRUE(demuxer.on_media(MediaKind::Video, 0, video_config(kAvccHigh), 0).ok());
  Status s;
  int accepted = 0;
  for (; accepted < 100000; ++accepted) {
    s = demuxer.on_media(MediaKind::Video, 0, video_frame(accepted == 0, 0, 1), 0);
    if (!s.ok()) {
      break;
    }
  }
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::ResourceExhausted);
  EXPECT_NE(s.error().message.find("before the tracks could be announced"), std::string::npos);
  EXPECT_EQ(accepted, 2048);  // FlvDemuxerOptions::max_pending_units
  EXPECT_TRUE(sink.units.empty());
}

TEST(FlvDemuxer, PendingBytesCountEachUnitsBookkeeping) {
  RecordingSink sink;
  FlvDemuxer demuxer(sink, FlvDemuxerOptions{.max_pending_bytes = 4096});
  ASSERT_TRUE(demuxer.on_media(MediaKind::Video, 0, video_config(kAvccHigh), 0).ok());
  int accepted = 0;
  while (demuxer.on_media(MediaKind::Video, 0, video_frame(true, 0, 1), 0).ok()) {
    ++accepted;
  }
  // 5 payload bytes each would be 800 units; with their overhead far fewer fit.
  EXPECT_GT(accepted, 10);
  EXPECT_LT(accepted, 64);
}

TEST_F(FlvDemuxerTest, AudioOnlyAfterAnnouncingVideoFailsAfterTenSecondsOfMedia) {
  both_configs();  // video announced, but no video frame ever follows
  Status s;
  uint32_t ts = 0;
  for (; ts <= 20000 && s.ok(); ts += 23) {
    s = audio(ts, audio_frame());
  }
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::ResourceExhausted);
  EXPECT_NE(s.error().message.find("no video keyframe for 10 s"), std::string::npos);
  EXPECT_GT(ts, 10000u);
  EXPECT_LT(ts, 10100u);
}

TEST_F(FlvDemuxerTest, InterFramesWithoutAKeyframeFailAfterTenSecondsOfMedia) {
  both_configs();
  Status s;
  uint32_t ts = 0;
  for (; ts <= 20000 && s.ok(); ts += 33) {
    s = video(ts, video_frame(false));
  }
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no video keyframe"), std::string::npos);
  EXPECT_GT(ts, 10000u);
}

TEST_F(FlvDemuxerTest, KeyframesWithinTenSecondsKeepTheStreamGoing) {
  both_configs();
  for (uint32_t ts = 0; ts <= 60000; ts += 33) {
    // 9.9 s GOPs, the longest a real encoder should send, plus audio.
    ASSERT_TRUE(video(ts, video_frame(ts % 9900 < 33)).ok()) << ts;
    ASSERT_TRUE(audio(ts, audio_frame()).ok()) << ts;
  }
}

TEST_F(FlvDemuxerTest, AbsurdFrameRateHintsAreIgnored) {
  for (double hint : {std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::quiet_NaN(), -30.0, 0.0, 241.0, 1e12}) {
    RecordingSink s;
    FlvDemuxer d(s);
    d.set_frame_rate_hint(hint);
    ASSERT_TRUE(d.on_media(MediaKind::Video, 0, video_config(avcc_for_size(320, 240)), 0).ok());
    ASSERT_TRUE(d.on_media(MediaKind::Audio, 0, audio_config(kAscMono44), 0).ok());
    ASSERT_EQ(s.announcements.size(), 1u);
    EXPECT_EQ(s.announcements[0][0].frame_rate, 0) << hint;  // unknown, not absurd
  }
  demuxer.set_frame_rate_hint(59.94);
  ASSERT_TRUE(video(0, video_config(avcc_for_size(320, 240))).ok());
  ASSERT_TRUE(audio(0, audio_config(kAscMono44)).ok());
  EXPECT_DOUBLE_EQ(sink.announcements[0][0].frame_rate, 59.94);
}

TEST_F(FlvDemuxerTest, PicturesLargerThan8kAreRefused) {
  ASSERT_TRUE(video(0, video_config(avcc_for_size(7680, 4320))).ok());
  Status s = video(0, video_config(avcc_for_size(8192, 4320)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unsupported);
  EXPECT_NE(s.error().message.find("8192x4320 is larger than 7680x4320"), std::string::npos);
  EXPECT_EQ(video(0, video_config(avcc_for_size(1920, 8192))).error().code, Code::Unsupported);
}

TEST_F(FlvDemuxerTest, SampleRatesOutsideTheAacTableAreRefused) {
  auto asc = format::aac::AudioSpecificConfig::make(2, 12345, 2);
  ASSERT_TRUE(asc.ok());
  Status s = audio(0, audio_config(asc->serialize()));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unsupported);
  EXPECT_NE(s.error().message.find("12345 Hz"), std::string::npos);
  auto standard = format::aac::AudioSpecificConfig::make(2, 7350, 1);
  ASSERT_TRUE(standard.ok());
  EXPECT_TRUE(audio(0, audio_config(standard->serialize())).ok());
}

}  // namespace
}  // namespace antcdn::ingest::rtmp
