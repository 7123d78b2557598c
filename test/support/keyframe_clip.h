#pragma once

// A CMAF init section and a one-keyframe segment of a synthetic picture,
// encoded with the project's own H.264 encoder: what the thumbnail tests and
// bench/thumbnail_bench.cc render. Header-only so the bench can use it too.

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "format/avc/annex_b.h"
#include "format/fmp4/init_segment.h"
#include "format/fmp4/media_segment.h"
#include "transcode/av/video_encoder.h"

namespace antcdn::test {

struct KeyframeClip {
  Bytes init;
  Bytes segment;
};

// A picture with detail everywhere (gradients and a pseudo-random texture),
// so the JPEG has as much work as a camera picture would give it.
inline void paint_detail(AVFrame& frame) {
  uint32_t noise = 12345;
  for (int plane = 0; plane < 3; ++plane) {
    int w = plane == 0 ? frame.width : frame.width / 2;
    int h = plane == 0 ? frame.height : frame.height / 2;
    for (int y = 0; y < h; ++y) {
      uint8_t* row = frame.data[plane] + y * frame.linesize[plane];
      for (int x = 0; x < w; ++x) {
        noise = noise * 1664525u + 1013904223u;
        row[x] = static_cast<uint8_t>(((x + y * 2 + plane * 60) & 0xff) / 2 + (noise >> 28));
      }
    }
  }
}

// Empty on failure (the caller's ASSERTs then fail).
inline KeyframeClip make_keyframe_clip(int width, int height, int bitrate_kbps = 2000) {
  namespace av = transcode::av;
  auto enc = av::VideoEncoder::open(av::EncoderSettings{.width = width,
                                                        .height = height,
                                                        .bitrate_kbps = bitrate_kbps,
                                                        .maxrate_kbps = bitrate_kbps,
                                                        .bufsize_kbps = bitrate_kbps * 2,
                                                        .preset = "ultrafast",
                                                        .threads = 1});
  if (!enc.ok()) {
    return {};
  }
  av::FramePtr frame = av::make_frame();
  frame->width = width;
  frame->height = height;
  frame->format = AV_PIX_FMT_YUV420P;
  if (av_frame_get_buffer(frame.get(), 0) < 0) {
    return {};
  }
  paint_detail(*frame);
  frame->pts = 0;
  std::vector<Bytes> units;
  auto collect = [&](AVPacket* p) {
    units.push_back(format::avc::annex_b_to_avcc(
        ByteSpan(reinterpret_cast<const std::byte*>(p->data), static_cast<size_t>(p->size))));
  };
  if (!(*enc)->encode(frame.get(), true, collect).ok() ||
      !(*enc)->encode(nullptr, false, collect).ok() || units.empty()) {
    return {};
  }
  media::TrackInfo track{.id = 1,
                         .kind = media::MediaKind::Video,
                         .codec = media::Codec::H264,
                         .timescale = 90000,
                         .codec_config = (*enc)->avcc(),
                         .width = width,
                         .height = height};
  auto init = format::fmp4::write_init_segment(track);
  format::fmp4::Sample keyframe{0, 0, 3000, true, units.front()};
  auto segment = format::fmp4::write_media_segment(1, 1, std::span(&keyframe, 1));
  if (!init.ok() || !segment.ok()) {
    return {};
  }
  return {std::move(*init), std::move(*segment)};
}

}  // namespace antcdn::test
