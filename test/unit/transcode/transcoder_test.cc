#include "transcode/transcoder.h"

#include <cstring>
#include <functional>
#include <future>
#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "format/avc/annex_b.h"
#include "transcode/av/video_decoder.h"
#include "transcode/av/video_encoder.h"

namespace antcdn::transcode {
namespace {

// Remembers what the transcoder hands on.
class RecordingSink final : public media::AccessUnitSink {
 public:
  void on_tracks(const std::vector<media::TrackInfo>& t) override {
    std::lock_guard lock(mutex);
    tracks = t;
    ++sessions;
  }
  void on_access_unit(media::AccessUnit&& u) override {
    std::lock_guard lock(mutex);
    units.push_back(std::move(u));
  }
  void on_end(media::EndReason r) override {
    std::lock_guard lock(mutex);
    ends.push_back(r);
  }
  std::vector<int64_t> keyframe_pts(int track) {
    std::vector<int64_t> out;
    for (const auto& u : units) {
      if (u.track_id == track && u.keyframe) {
        out.push_back(u.pts);
      }
    }
    return out;
  }
  size_t count(int track) {
    size_t n = 0;
    for (const auto& u : units) {
      n += u.track_id == track;
    }
    return n;
  }
  std::mutex mutex;
  std::vector<media::TrackInfo> tracks;
  std::vector<media::AccessUnit> units;
  std::vector<media::EndReason> ends;
  int sessions = 0;
};

// A synthetic 30 fps H.264 source (keyframe every 45 frames, so the source GOP
// is not the 2 s grid), encoded with the project's own encoder. Each frame's
// planes are filled row by row by `fill(plane, row, frame)`.
struct Source {
  media::TrackInfo track;
  std::vector<media::AccessUnit> units;
};

using Fill = std::function<uint8_t(int plane, int row, int frame)>;

// Stripes that move from frame to frame.
uint8_t stripes(int plane, int row, int frame) {
  return static_cast<uint8_t>((row + frame * 3 + plane * 50) & 0xff);
}

Source make_source(int frames, int width = 640, int height = 360, const Fill& fill = stripes) {
  auto enc = av::VideoEncoder::open(av::EncoderSettings{.width = width,
                                                        .height = height,
                                                        .bitrate_kbps = 800,
                                                        .maxrate_kbps = 900,
                                                        .bufsize_kbps = 1200,
                                                        .preset = "ultrafast",
                                                        .threads = 1});
  EXPECT_TRUE(enc.ok());
  Source s;
  s.track = media::TrackInfo{.id = 1,
                             .kind = media::MediaKind::Video,
                             .codec = media::Codec::H264,
                             .timescale = 1000,
                             .codec_config = (*enc)->avcc(),
                             .width = width,
                             .height = height,
                             .frame_rate = 30};
  auto frame = av::make_frame();
  frame->width = width;
  frame->height = height;
  frame->format = AV_PIX_FMT_YUV420P;
  EXPECT_GE(av_frame_get_buffer(frame.get(), 0), 0);
  auto collect = [&](AVPacket* p) {
    s.units.push_back(media::AccessUnit{
        .track_id = 1,
        .dts = p->dts,
        .pts = p->pts,
        .keyframe = (p->flags & AV_PKT_FLAG_KEY) != 0,
        .data = format::avc::annex_b_to_avcc(
            ByteSpan(reinterpret_cast<const std::byte*>(p->data), static_cast<size_t>(p->size)))});
  };
  for (int i = 0; i < frames; ++i) {
    EXPECT_GE(av_frame_make_writable(frame.get()), 0);
    for (int plane = 0; plane < 3; ++plane) {
      int rows = plane == 0 ? height : height / 2;
      for (int y = 0; y < rows; ++y) {
        std::memset(frame->data[plane] + y * frame->linesize[plane], fill(plane, y, i),
                    static_cast<size_t>(frame->linesize[plane]));
      }
    }
    frame->pts = i * 1000 / 30;
    EXPECT_TRUE((*enc)->encode(frame.get(), i % 45 == 0, collect).ok());
  }
  EXPECT_TRUE((*enc)->encode(nullptr, false, collect).ok());
  return s;
}

// The tests feed a whole clip at once: an unbounded queue, so nothing is shed.
TranscoderOptions offline() {
  return TranscoderOptions{.quality = media::Quality::Standard,
                           .preset = "ultrafast",
                           .max_queued_video_frames = SIZE_MAX};
}

const Source& source() {
  static const Source s = make_source(150);  // 5 s
  return s;
}

TEST(Transcoder, StandardLadderHasAlignedKeyframesOnA2SecondGrid) {
  auto sink = std::make_shared<RecordingSink>();
  {
    Transcoder t(offline(), sink);
    t.on_tracks({source().track});
    for (const auto& u : source().units) {
      t.on_access_unit(media::AccessUnit(u));
    }
    t.on_end(media::EndReason::Clean);
    t.wait_idle();
    EXPECT_EQ(t.stats().frames_shed, 0u);
  }
  // 640x360 under standard: only 360p (never upscaled).
  ASSERT_EQ(sink->tracks.size(), 1u);
  EXPECT_EQ(sink->tracks[0].height, 360);
  EXPECT_EQ(sink->count(sink->tracks[0].id), 150u);
  auto keys = sink->keyframe_pts(sink->tracks[0].id);
  EXPECT_EQ(keys, (std::vector<int64_t>{0, 2000, 4000}));
  EXPECT_EQ(sink->ends, std::vector<media::EndReason>{media::EndReason::Clean});
}

TEST(Transcoder, CorruptFramesAreSkippedAndTheStreamGoesOn) {
  auto sink = std::make_shared<RecordingSink>();
  Transcoder t(offline(), sink);
  t.on_tracks({source().track});
  for (size_t i = 0; i < source().units.size(); ++i) {
    media::AccessUnit u = source().units[i];
    if (i == 20 || i == 21) {
      for (size_t b = 4; b < u.data.size(); ++b) {
        u.data[b] = std::byte{0xff};  // garbage after the NAL length
      }
    }
    t.on_access_unit(std::move(u));
  }
  t.on_end(media::EndReason::Clean);
  t.wait_idle();
  EXPECT_GT(sink->count(sink->tracks[0].id), 100u);
  EXPECT_EQ(sink->ends.size(), 1u);
}

TEST(Transcoder, OverloadShedsWholeGopsWithBoundedQueue) {
  auto sink = std::make_shared<RecordingSink>();
  metrics::Registry registry;
  TranscodeMetrics metrics(registry);
  Transcoder t(TranscoderOptions{.quality = media::Quality::Standard,
                                 .preset = "ultrafast",
                                 .max_queued_video_frames = 5,
                                 .metrics = &metrics},
               sink);
  t.on_tracks({source().track});
  for (const auto& u : source().units) {
    t.on_access_unit(media::AccessUnit(u));  // far faster than the worker can encode
  }
  t.on_end(media::EndReason::Clean);
  t.wait_idle();
  auto stats = t.stats();
  EXPECT_GT(stats.frames_shed, 0u);
  EXPECT_EQ(stats.frames_in, 150u);
  // What was not shed came out, starting with a keyframe.
  auto id = sink->tracks[0].id;
  EXPECT_EQ(sink->count(id) + stats.frames_shed, 150u);
  // The node-wide metrics agree; GOPs start every 45 frames (0, 45, 90, 135),
  // and each shedding run lasts to the next keyframe at least.
  EXPECT_EQ(metrics.shed_frames.value(), stats.frames_shed);
  EXPECT_GE(metrics.shed_gops.value(), 1u);
  EXPECT_LE(metrics.shed_gops.value(), 4u);
  EXPECT_EQ(metrics.queued_frames.value(), 0) << "an idle transcoder has nothing queued";
  ASSERT_FALSE(sink->units.empty());
  EXPECT_TRUE(sink->units.front().keyframe);
}

// Holds the worker inside on_tracks until released, so that the queue in
// front of it can be filled deterministically.
class GatedSink final : public media::AccessUnitSink {
 public:
  void on_tracks(const std::vector<media::TrackInfo>&) override { released.get_future().wait(); }
  void on_access_unit(media::AccessUnit&&) override {}
  void on_end(media::EndReason) override {}
  std::promise<void> released;
};

media::TrackInfo aac_track() {
  return media::TrackInfo{.id = 2,
                          .kind = media::MediaKind::Audio,
                          .codec = media::Codec::Aac,
                          .codec_config = Bytes{std::byte{0x11}, std::byte{0x90}},
                          .sample_rate = 48000,
                          .channels = 2};
}

TEST(Transcoder, AudioPastItsQueueBoundFailsTheStreamOnce) {
  auto sink = std::make_shared<GatedSink>();
  std::vector<std::string> failures;
  TranscoderOptions o = offline();
  o.max_queued_audio_frames = 10;
  o.on_failed = [&](const std::string& reason) { failures.push_back(reason); };
  {
    Transcoder t(o, sink);
    t.on_tracks({source().track, aac_track()});
    for (int i = 0; i < 50; ++i) {  // the worker is held: nothing is taken off the queue
      t.on_access_unit(media::AccessUnit{.track_id = 2, .dts = i * 21, .pts = i * 21});
    }
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_NE(failures[0].find("more than 10 audio frames queued"), std::string::npos);
    sink->released.set_value();
  }
}

TEST(Transcoder, VideoPastItsQueuedBytesIsShedLikeFrames) {
  auto sink = std::make_shared<GatedSink>();
  metrics::Registry registry;
  TranscodeMetrics metrics(registry);
  TranscoderOptions o = offline();
  o.max_queued_video_bytes = 3 * 1024;
  o.metrics = &metrics;
  Transcoder t(o, sink);
  t.on_tracks({source().track});
  for (int i = 0; i < 10; ++i) {
    t.on_access_unit(media::AccessUnit{
        .track_id = 1, .dts = i * 33, .pts = i * 33, .keyframe = true, .data = Bytes(1000)});
  }
  EXPECT_EQ(t.stats().frames_shed, 7u);  // three 1000-byte frames fit in 3 KiB
  EXPECT_EQ(metrics.queued_frames.value(), 3) << "held in front of the gated worker";
  EXPECT_EQ(metrics.shed_gops.value(), 7u) << "every frame is a keyframe: each drop is a GOP";
  sink->released.set_value();
  t.wait_idle();
  EXPECT_EQ(metrics.queued_frames.value(), 0);
}

TEST(Transcoder, AReconnectStartsANewEncoderSessionOnTheSameSink) {
  auto sink = std::make_shared<RecordingSink>();
  Transcoder t(offline(), sink);
  for (int session = 0; session < 2; ++session) {
    t.on_tracks({source().track});
    for (size_t i = 0; i < 60; ++i) {
      t.on_access_unit(media::AccessUnit(source().units[i]));
    }
    t.on_end(session == 0 ? media::EndReason::Dropped : media::EndReason::Clean);
  }
  t.wait_idle();
  EXPECT_EQ(sink->sessions, 2);
  EXPECT_EQ(sink->ends,
            (std::vector<media::EndReason>{media::EndReason::Dropped, media::EndReason::Clean}));
  EXPECT_EQ(sink->count(sink->tracks[0].id), 120u);
}

// Flat grey frames whose level changes every frame: whatever the scaling, a
// rung's picture must carry the level of the source frame with its pts (two
// lossy encodes move it a few steps; a neighbouring frame is 53 steps away).
uint8_t level_of_frame(int frame) {
  return static_cast<uint8_t>(16 + (frame * 53) % 200);
}

// Mean luma of every decoded frame of one output track, by pts.
std::map<int64_t, double> decoded_levels(RecordingSink& sink, const media::TrackInfo& track) {
  auto decoder = av::VideoDecoder::open(track, 1);
  EXPECT_TRUE(decoder.ok());
  std::map<int64_t, double> out;
  auto on_frame = [&](AVFrame* f) {
    EXPECT_EQ(f->width, track.width);
    EXPECT_EQ(f->height, track.height);
    double sum = 0;
    for (int y = 0; y < f->height; ++y) {
      for (int x = 0; x < f->width; ++x) {
        sum += f->data[0][y * f->linesize[0] + x];
      }
    }
    out[f->pts] = sum / (f->width * f->height);
  };
  for (const auto& u : sink.units) {
    if (u.track_id == track.id) {
      EXPECT_TRUE((*decoder)->decode(u, on_frame).ok());
    }
  }
  (*decoder)->drain(on_frame);
  return out;
}

TEST(Transcoder, EveryRungCarriesTheCurrentSourcePictureWithOrWithoutTheCascade) {
  // 1280x960 under standard: 720p from the source, 480p and 360p from 720p
  // when cascading (ladder_test has the rule).
  static const Source flat = make_source(45, 1280, 960, [](int plane, int, int frame) -> uint8_t {
    return plane == 0 ? level_of_frame(frame) : 128;
  });
  for (bool cascade : {true, false}) {
    SCOPED_TRACE(cascade ? "cascade" : "direct");
    auto sink = std::make_shared<RecordingSink>();
    {
      auto options = offline();
      options.scale_cascade = cascade;
      Transcoder t(options, sink);
      t.on_tracks({flat.track});
      for (const auto& u : flat.units) {
        t.on_access_unit(media::AccessUnit(u));
      }
      t.on_end(media::EndReason::Clean);
      t.wait_idle();
    }
    ASSERT_EQ(sink->tracks.size(), 3u);
    for (const auto& track : sink->tracks) {
      SCOPED_TRACE(track.height);
      auto levels = decoded_levels(*sink, track);
      ASSERT_EQ(levels.size(), 45u);
      for (int i = 0; i < 45; ++i) {
        ASSERT_TRUE(levels.contains(i * 1000 / 30));
        EXPECT_NEAR(levels[i * 1000 / 30], level_of_frame(i), 12.0) << "frame " << i;
      }
    }
    EXPECT_EQ(sink->tracks[0].height, 720);
    EXPECT_EQ(sink->tracks[1].height, 480);
    EXPECT_EQ(sink->tracks[2].height, 360);
  }
}

}  // namespace
}  // namespace antcdn::transcode
