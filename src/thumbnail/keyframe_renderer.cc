#include "thumbnail/keyframe_renderer.h"

#include <algorithm>
#include <cstdint>

#include "format/fmp4/keyframe_reader.h"
#include "thumbnail/jpeg_encoder.h"
#include "transcode/av/scaler.h"
#include "transcode/av/video_decoder.h"

namespace antcdn::thumbnail {
namespace {

namespace av = transcode::av;

// The keyframe alone, decoded: the first picture the decoder gives.
Result<av::FramePtr> decode_keyframe(const format::fmp4::VideoInit& init, ByteSpan sample) {
  media::TrackInfo track{.id = 1,
                         .kind = media::MediaKind::Video,
                         .codec = media::Codec::H264,
                         .timescale = init.timescale,
                         .codec_config = Bytes(init.avcc.begin(), init.avcc.end())};
  auto decoder = av::VideoDecoder::open(track, 1);
  if (!decoder.ok()) {
    return decoder.error();
  }
  media::AccessUnit unit{
      .track_id = 1, .keyframe = true, .data = Bytes(sample.begin(), sample.end())};
  av::FramePtr picture;
  Status kept;
  auto keep = [&](AVFrame* frame) {
    if (!picture) {
      picture = av::make_frame();
      if (int err = av_frame_ref(picture.get(), frame); err < 0) {
        kept = make_error(Code::Internal, "av_frame_ref: " + av::error_text(err));
      }
    }
  };
  Status decoded = (*decoder)->decode(unit, keep);
  if (!picture) {
    (*decoder)->drain(keep);
  }
  if (!kept.ok()) {
    return kept.error();
  }
  if (!picture) {
    return decoded.ok() ? make_error(Code::InvalidArgument, "the keyframe gave no picture")
                        : decoded.error();
  }
  return picture;
}

}  // namespace

PictureSize thumbnail_size(PictureSize source, int requested_width) {
  int width = requested_width <= 0 ? source.width
                                   : std::min(std::max(requested_width, kMinWidth), source.width);
  width = std::max(2, width & ~1);
  int64_t height =
      source.width > 0 ? (int64_t{width} * source.height + source.width / 2) / source.width : 0;
  return {width, std::max(2, static_cast<int>(height) & ~1)};
}

Result<Bytes> render_keyframe_jpeg(ByteSpan init, ByteSpan segment, int requested_width) {
  auto video = format::fmp4::read_video_init(init);
  if (!video.ok()) {
    return video.error().with_context("init section");
  }
  auto sample = format::fmp4::first_sync_sample(segment, *video);
  if (!sample.ok()) {
    return sample.error().with_context("segment");
  }
  auto picture = decode_keyframe(*video, *sample);
  if (!picture.ok()) {
    return picture.error();
  }
  PictureSize size = thumbnail_size({(*picture)->width, (*picture)->height}, requested_width);
  av::Scaler scaler(size.width, size.height, AV_PIX_FMT_YUVJ420P);
  auto scaled = scaler.scale(picture->get());
  if (!scaled.ok()) {
    return scaled.error();
  }
  return encode_jpeg(**scaled);
}

}  // namespace antcdn::thumbnail
