#include "transcode/av/video_encoder.h"

#include <cmath>

extern "C" {
#include <libavutil/opt.h>
}

#include "format/avc/annex_b.h"
#include "format/avc/avc_decoder_config.h"

namespace antcdn::transcode::av {

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(const EncoderSettings& s) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) {
    return make_error(Code::Internal, "libavcodec was built without libx264");
  }
  auto e = std::make_unique<VideoEncoder>();
  e->ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = e->ctx_.get();
  c->width = s.width;
  c->height = s.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, 1000};
  int fps_num = static_cast<int>(std::lround(s.frame_rate * 1000));
  c->framerate = AVRational{fps_num > 0 ? fps_num : 30000, 1000};
  c->bit_rate = int64_t{s.bitrate_kbps} * 1000;
  c->rc_max_rate = int64_t{s.maxrate_kbps} * 1000;
  c->rc_buffer_size = s.bufsize_kbps * 1000;
  // Keyframes come only from the caller (segment boundaries); x264's own GOP
  // limit is set well beyond them.
  c->gop_size = 600;
  c->keyint_min = 600;
  c->thread_count = s.threads;
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(c->priv_data, "preset", s.preset.c_str(), 0);
  if (s.zero_latency) {
    av_opt_set(c->priv_data, "tune", "zerolatency", 0);
  }
  av_opt_set(c->priv_data, "profile", "high", 0);
  av_opt_set(c->priv_data, "forced-idr", "1", 0);
  av_opt_set(c->priv_data, "x264-params", "scenecut=0:open-gop=0", 0);
  if (int err = avcodec_open2(c, codec, nullptr); err < 0) {
    return make_error(Code::Internal, "cannot open libx264: " + error_text(err));
  }
  ByteSpan extradata(reinterpret_cast<const std::byte*>(c->extradata),
                     static_cast<size_t>(c->extradata_size));
  std::vector<Bytes> sps;
  std::vector<Bytes> pps;
  for (ByteSpan nal : format::avc::split_annex_b(extradata)) {
    uint8_t type = nal.empty() ? 0 : (static_cast<uint8_t>(nal[0]) & 0x1f);
    if (type == 7) {
      sps.emplace_back(nal.begin(), nal.end());
    } else if (type == 8) {
      pps.emplace_back(nal.begin(), nal.end());
    }
  }
  auto config = format::avc::AvcDecoderConfig::from_parameter_sets(sps, pps);
  if (!config.ok()) {
    return config.error().with_context("x264 extradata");
  }
  auto avcc = config->serialize();
  if (!avcc.ok()) {
    return avcc.error();
  }
  e->avcc_ = std::move(*avcc);
  return e;
}

Status VideoEncoder::encode(AVFrame* frame, bool keyframe, const PacketCallback& on_packet) {
  if (frame) {
    frame->pict_type = keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  }
  int err = avcodec_send_frame(ctx_.get(), frame);
  if (err < 0 && err != AVERROR_EOF) {
    return make_error(Code::Internal, "x264 encode: " + error_text(err));
  }
  while (avcodec_receive_packet(ctx_.get(), packet_.get()) == 0) {
    on_packet(packet_.get());
    av_packet_unref(packet_.get());
  }
  return {};
}

}  // namespace antcdn::transcode::av
