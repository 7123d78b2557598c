#include "thumbnail/jpeg_encoder.h"

namespace antcdn::thumbnail {

using transcode::av::error_text;

Result<Bytes> encode_jpeg(const AVFrame& picture, int quality) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (codec == nullptr) {
    return make_error(Code::Internal, "libavcodec has no MJPEG encoder");
  }
  // A context per picture: opening one costs microseconds, and a thumbnail
  // every 2 s per stream is not worth keeping encoders of every size around.
  transcode::av::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  ctx->width = picture.width;
  ctx->height = picture.height;
  ctx->pix_fmt = AV_PIX_FMT_YUVJ420P;
  ctx->color_range = AVCOL_RANGE_JPEG;
  ctx->time_base = AVRational{1, 25};
  ctx->flags |= AV_CODEC_FLAG_QSCALE;
  ctx->global_quality = FF_QP2LAMBDA * quality;
  if (int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0) {
    return make_error(Code::Internal, "cannot open the MJPEG encoder: " + error_text(err));
  }
  transcode::av::FramePtr frame = transcode::av::make_frame();
  if (int err = av_frame_ref(frame.get(), &picture); err < 0) {
    return make_error(Code::Internal, "av_frame_ref: " + error_text(err));
  }
  frame->quality = ctx->global_quality;
  frame->pts = 0;
  transcode::av::PacketPtr packet = transcode::av::make_packet();
  if (int err = avcodec_send_frame(ctx.get(), frame.get()); err < 0) {
    return make_error(Code::Internal, "jpeg encode: " + error_text(err));
  }
  if (int err = avcodec_receive_packet(ctx.get(), packet.get()); err < 0) {
    return make_error(Code::Internal, "jpeg encode: " + error_text(err));
  }
  const auto* data = reinterpret_cast<const std::byte*>(packet->data);
  return Bytes(data, data + packet->size);
}

}  // namespace antcdn::thumbnail
