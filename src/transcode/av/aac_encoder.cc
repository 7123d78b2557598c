#include "transcode/av/aac_encoder.h"

namespace antcdn::transcode::av {

Result<std::unique_ptr<AacEncoder>> AacEncoder::open(int sample_rate, int bitrate) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) {
    return make_error(Code::Internal, "libavcodec has no AAC encoder");
  }
  auto e = std::make_unique<AacEncoder>();
  e->ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = e->ctx_.get();
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  c->sample_rate = sample_rate;
  av_channel_layout_default(&c->ch_layout, 2);
  c->bit_rate = bitrate;
  c->profile = FF_PROFILE_AAC_LOW;
  c->time_base = AVRational{1, sample_rate};
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (int err = avcodec_open2(c, codec, nullptr); err < 0) {
    return make_error(Code::Internal, "cannot open the AAC encoder: " + error_text(err));
  }
  if (c->extradata_size <= 0) {
    return make_error(Code::Internal, "the AAC encoder gave no AudioSpecificConfig");
  }
  const auto* asc = reinterpret_cast<const std::byte*>(c->extradata);
  e->asc_.assign(asc, asc + c->extradata_size);
  return e;
}

Status AacEncoder::encode(AVFrame* frame, const PacketCallback& on_packet) {
  int err = avcodec_send_frame(ctx_.get(), frame);
  if (err < 0 && err != AVERROR_EOF) {
    return make_error(Code::Internal, "AAC encode: " + error_text(err));
  }
  while (avcodec_receive_packet(ctx_.get(), packet_.get()) == 0) {
    on_packet(packet_.get());
    av_packet_unref(packet_.get());
  }
  return {};
}

}  // namespace antcdn::transcode::av
