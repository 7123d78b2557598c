#include "transcode/transcoder.h"

#include <cstring>
#include <mutex>

#include <gtest/gtest.h>

#include "format/avc/annex_b.h"
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
  void on_access_unit(const media::AccessUnit& u) override {
    std::lock_guard lock(mutex);
    units.push_back(u);
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

// A synthetic 640x360 30 fps H.264 source (keyframe every 45 frames, so the
// source GOP is not the 2 s grid), encoded with the project's own encoder.
struct Source {
  media::TrackInfo track;
  std::vector<media::AccessUnit> units;
};

Source make_source(int frames) {
  auto enc = av::VideoEncoder::open(av::EncoderSettings{.width = 640,
                                                        .height = 360,
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
                             .width = 640,
                             .height = 360,
                             .frame_rate = 30};
  auto frame = av::make_frame();
  frame->width = 640;
  frame->height = 360;
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
      int h = plane == 0 ? 360 : 180;
      for (int y = 0; y < h; ++y) {
        std::memset(frame->data[plane] + y * frame->linesize[plane],
                    (y + i * 3 + plane * 50) & 0xff, static_cast<size_t>(frame->linesize[plane]));
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
      t.on_access_unit(u);
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
    t.on_access_unit(u);
  }
  t.on_end(media::EndReason::Clean);
  t.wait_idle();
  EXPECT_GT(sink->count(sink->tracks[0].id), 100u);
  EXPECT_EQ(sink->ends.size(), 1u);
}

TEST(Transcoder, OverloadShedsWholeGopsWithBoundedQueue) {
  auto sink = std::make_shared<RecordingSink>();
  Transcoder t(
      TranscoderOptions{
          .quality = media::Quality::Standard, .preset = "ultrafast", .max_queued_video_frames = 5},
      sink);
  t.on_tracks({source().track});
  for (const auto& u : source().units) {
    t.on_access_unit(u);  // far faster than the worker can encode
  }
  t.on_end(media::EndReason::Clean);
  t.wait_idle();
  auto stats = t.stats();
  EXPECT_GT(stats.frames_shed, 0u);
  EXPECT_EQ(stats.frames_in, 150u);
  // What was not shed came out, starting with a keyframe.
  auto id = sink->tracks[0].id;
  EXPECT_EQ(sink->count(id) + stats.frames_shed, 150u);
  ASSERT_FALSE(sink->units.empty());
  EXPECT_TRUE(sink->units.front().keyframe);
}

TEST(Transcoder, AReconnectStartsANewEncoderSessionOnTheSameSink) {
  auto sink = std::make_shared<RecordingSink>();
  Transcoder t(offline(), sink);
  for (int session = 0; session < 2; ++session) {
    t.on_tracks({source().track});
    for (size_t i = 0; i < 60; ++i) {
      t.on_access_unit(source().units[i]);
    }
    t.on_end(session == 0 ? media::EndReason::Dropped : media::EndReason::Clean);
  }
  t.wait_idle();
  EXPECT_EQ(sink->sessions, 2);
  EXPECT_EQ(sink->ends,
            (std::vector<media::EndReason>{media::EndReason::Dropped, media::EndReason::Clean}));
  EXPECT_EQ(sink->count(sink->tracks[0].id), 120u);
}

}  // namespace
}  // namespace antcdn::transcode
