#pragma once

// Decodes a JPEG with libavcodec's MJPEG decoder, for tests that check what a
// thumbnail really holds.

#include <optional>

#include "common/bytes.h"
#include "thumbnail/keyframe_renderer.h"
#include "transcode/av/av_ptr.h"

namespace antcdn::test {

// The decoded picture's size, or nothing when `jpeg` does not decode.
inline std::optional<thumbnail::PictureSize> jpeg_size(const Bytes& jpeg) {
  namespace av = transcode::av;
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  av::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) {
    return std::nullopt;
  }
  av::PacketPtr packet = av::make_packet();
  if (av_new_packet(packet.get(), static_cast<int>(jpeg.size())) < 0) {
    return std::nullopt;
  }
  std::copy(jpeg.begin(), jpeg.end(), reinterpret_cast<std::byte*>(packet->data));
  av::FramePtr frame = av::make_frame();
  if (avcodec_send_packet(ctx.get(), packet.get()) < 0 ||
      avcodec_receive_frame(ctx.get(), frame.get()) < 0) {
    return std::nullopt;
  }
  return thumbnail::PictureSize{frame->width, frame->height};
}

}  // namespace antcdn::test
