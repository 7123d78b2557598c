#include "transcode/audio_converter.h"

#include <cmath>

#include <gtest/gtest.h>

#include "format/aac/audio_specific_config.h"
#include "transcode/av/audio_decoder.h"

namespace antcdn::transcode {
namespace {

class RecordingSink final : public media::AccessUnitSink {
 public:
  void on_tracks(const std::vector<media::TrackInfo>& t) override { tracks = t; }
  void on_access_unit(media::AccessUnit&& u) override { units.push_back(std::move(u)); }
  void on_end(media::EndReason r) override { ends.push_back(r); }
  std::vector<media::TrackInfo> tracks;
  std::vector<media::AccessUnit> units;
  std::vector<media::EndReason> ends;
};

struct Source {
  media::TrackInfo track;
  std::vector<media::AccessUnit> units;
};

// `seconds` of a 440 Hz tone as 5.1 AC-3 at 44.1 kHz (libavcodec's own
// encoder), timestamped in ms like ingest's units.
Source make_ac3_source(double seconds) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AC3);
  EXPECT_NE(codec, nullptr);
  av::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  ctx->sample_fmt = AV_SAMPLE_FMT_FLTP;
  ctx->sample_rate = 44100;
  ctx->ch_layout = AV_CHANNEL_LAYOUT_5POINT1;
  ctx->bit_rate = 384000;
  ctx->time_base = AVRational{1, 44100};
  EXPECT_EQ(avcodec_open2(ctx.get(), codec, nullptr), 0);
  Source source{.track = {.id = 2,
                          .kind = media::MediaKind::Audio,
                          .codec = media::Codec::Ac3,
                          .timescale = 1000,
                          .sample_rate = 44100,
                          .channels = 6}};
  auto frame = av::make_frame();
  auto packet = av::make_packet();
  int64_t total = static_cast<int64_t>(seconds * 44100);
  auto drain = [&] {
    while (avcodec_receive_packet(ctx.get(), packet.get()) == 0) {
      int64_t ms = std::max<int64_t>(0, packet->pts) * 1000 / 44100;
      const auto* d = reinterpret_cast<const std::byte*>(packet->data);
      source.units.push_back(media::AccessUnit{.track_id = 2,
                                               .dts = ms,
                                               .pts = ms,
                                               .keyframe = true,
                                               .data = Bytes(d, d + packet->size)});
      av_packet_unref(packet.get());
    }
  };
  for (int64_t at = 0; at < total; at += ctx->frame_size) {
    frame->format = AV_SAMPLE_FMT_FLTP;
    frame->nb_samples = ctx->frame_size;
    frame->sample_rate = 44100;
    av_channel_layout_copy(&frame->ch_layout, &ctx->ch_layout);
    EXPECT_EQ(av_frame_get_buffer(frame.get(), 0), 0);
    for (int ch = 0; ch < 6; ++ch) {
      auto* samples = reinterpret_cast<float*>(frame->data[ch]);
      for (int i = 0; i < frame->nb_samples; ++i) {
        samples[i] = 0.3F * static_cast<float>(std::sin(2 * M_PI * 440 * (at + i) / 44100.0));
      }
    }
    frame->pts = at;
    EXPECT_EQ(avcodec_send_frame(ctx.get(), frame.get()), 0);
    av_frame_unref(frame.get());
    drain();
  }
  avcodec_send_frame(ctx.get(), nullptr);
  drain();
  return source;
}

media::TrackInfo aac_track(uint32_t rate, uint8_t channels,
                           uint8_t object_type = format::aac::kObjectTypeAacLc) {
  auto asc = format::aac::AudioSpecificConfig::make(object_type, rate, channels);
  EXPECT_TRUE(asc.ok());
  return media::TrackInfo{.id = 2,
                          .kind = media::MediaKind::Audio,
                          .codec = media::Codec::Aac,
                          .codec_config = asc->serialize()};
}

TEST(AudioConverter, OnlyCommonAacLcPlaysAsItIs) {
  EXPECT_TRUE(plays_as_is(aac_track(48000, 2)));
  EXPECT_TRUE(plays_as_is(aac_track(44100, 1)));
  EXPECT_FALSE(plays_as_is(aac_track(22050, 2)));
  EXPECT_FALSE(plays_as_is(aac_track(96000, 2)));
  EXPECT_FALSE(plays_as_is(aac_track(48000, 6)));
  EXPECT_FALSE(plays_as_is(aac_track(48000, 2, format::aac::kObjectTypeSbr)));
  media::TrackInfo mp3{.kind = media::MediaKind::Audio, .codec = media::Codec::Mp3};
  EXPECT_FALSE(plays_as_is(mp3));
}

TEST(AudioConverter, PlayableTracksAndVideoPassUntouched) {
  auto out = std::make_shared<RecordingSink>();
  AudioConverter converter({}, out);
  media::TrackInfo video{.id = 1, .kind = media::MediaKind::Video};
  media::TrackInfo audio = aac_track(48000, 2);
  converter.on_tracks({video, audio});
  ASSERT_EQ(out->tracks.size(), 2u);
  EXPECT_EQ(out->tracks[1].codec_config, audio.codec_config);
  converter.on_access_unit(media::AccessUnit{.track_id = 2, .dts = 5, .data = Bytes(7)});
  converter.on_access_unit(media::AccessUnit{.track_id = 1, .dts = 6, .data = Bytes(9)});
  converter.on_end(media::EndReason::Clean);
  ASSERT_EQ(out->units.size(), 2u);
  EXPECT_EQ(out->units[0].data.size(), 7u);
  EXPECT_EQ(out->units[1].track_id, 1);
  EXPECT_EQ(out->ends, std::vector<media::EndReason>{media::EndReason::Clean});
}

TEST(AudioConverter, SurroundAc3BecomesStereoAacAt48kHzThatDecodes) {
  Source source = make_ac3_source(2.0);
  ASSERT_GT(source.units.size(), 50u);
  auto out = std::make_shared<RecordingSink>();
  AudioConverter converter({.stream_label = "test"}, out);
  media::TrackInfo video{.id = 1, .kind = media::MediaKind::Video};
  converter.on_tracks({video, source.track});
  ASSERT_EQ(out->tracks.size(), 2u);
  const media::TrackInfo& aac = out->tracks[1];
  EXPECT_EQ(aac.codec, media::Codec::Aac);
  EXPECT_EQ(aac.sample_rate, 48000);
  EXPECT_EQ(aac.channels, 2);
  EXPECT_TRUE(plays_as_is(aac));
  for (auto& u : source.units) {
    converter.on_access_unit(std::move(u));
  }
  converter.on_end(media::EndReason::Clean);
  EXPECT_EQ(converter.decode_errors(), 0u);
  EXPECT_EQ(out->ends.size(), 1u);

  // Every output frame decodes, and together they are the source's length.
  auto decoder = av::AudioDecoder::open(aac);
  ASSERT_TRUE(decoder.ok());
  int64_t samples = 0;
  int64_t last_dts = -1;
  for (const auto& u : out->units) {
    EXPECT_EQ(u.track_id, 2);
    EXPECT_GT(u.dts, last_dts);
    last_dts = u.dts;
    Status s = (*decoder)->decode(u, [&](AVFrame* f) {
      EXPECT_EQ(f->sample_rate, 48000);
      EXPECT_EQ(f->ch_layout.nb_channels, 2);
      samples += f->nb_samples;
    });
    EXPECT_TRUE(s.ok()) << s.error().describe();
  }
  // 2 s at 48 kHz, plus the priming frame and the padded tail (AC-3 frames
  // round the source up too).
  EXPECT_GE(samples, 96000);
  EXPECT_LE(samples, 96000 + 4 * 1536 * 48000 / 44100);
  // Output time follows the source's: the last frame sits near 2 s.
  EXPECT_NEAR(static_cast<double>(out->units.back().dts), 2000.0, 120.0);
}

TEST(AudioConverter, AForwardGapRestartsTheCountAtTheNewTime) {
  Source source = make_ac3_source(1.0);
  auto out = std::make_shared<RecordingSink>();
  AudioConverter converter({}, out);
  converter.on_tracks({source.track});
  const size_t half = source.units.size() / 2;
  for (size_t i = 0; i < source.units.size(); ++i) {
    media::AccessUnit u = source.units[i];
    if (i >= half) {
      u.dts += 5000;  // the encoder stalled for 5 s
      u.pts = u.dts;
    }
    converter.on_access_unit(std::move(u));
  }
  converter.on_end(media::EndReason::Clean);
  ASSERT_FALSE(out->units.empty());
  EXPECT_GT(out->units.back().dts, 5900);
  EXPECT_LT(out->units.back().dts, 6200);
}

}  // namespace
}  // namespace antcdn::transcode
