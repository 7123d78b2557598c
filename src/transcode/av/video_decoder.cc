#include "transcode/av/video_decoder.h"

#include <cstring>

namespace antcdn::transcode::av {

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::open(const media::TrackInfo& track,
                                                         int threads) {
  const bool hevc = track.codec == media::Codec::H265;
  const AVCodec* codec = avcodec_find_decoder(hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264);
  if (!codec) {
    return make_error(Code::Internal, "libavcodec has no decoder for this video codec");
  }
  auto d = std::make_unique<VideoDecoder>();
  d->ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = d->ctx_.get();
  // avcC as extradata: the decoder then expects length-prefixed NAL units.
  // H.265 (Annex B parameter sets): start codes, as its units have.
  c->extradata =
      static_cast<uint8_t*>(av_mallocz(track.codec_config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  std::memcpy(c->extradata, track.codec_config.data(), track.codec_config.size());
  c->extradata_size = static_cast<int>(track.codec_config.size());
  c->pkt_timebase = AVRational{1, static_cast<int>(track.timescale)};
  c->thread_count = threads;
  if (int err = avcodec_open2(c, codec, nullptr); err < 0) {
    return make_error(Code::Unsupported, std::string("cannot open the ") + codec->name +
                                             " decoder: " + error_text(err));
  }
  return d;
}

Status VideoDecoder::decode(const media::AccessUnit& unit, const FrameCallback& on_frame) {
  if (Status loaded = load_packet(packet_.get(), unit); !loaded.ok()) {
    return loaded;
  }
  int err = avcodec_send_packet(ctx_.get(), packet_.get());
  Status result;
  if (err < 0 && err != AVERROR(EAGAIN)) {
    result = make_error(Code::InvalidArgument, "decode: " + error_text(err));
  }
  receive(on_frame);
  return result;
}

void VideoDecoder::drain(const FrameCallback& on_frame) {
  avcodec_send_packet(ctx_.get(), nullptr);
  receive(on_frame);
}

void VideoDecoder::receive(const FrameCallback& on_frame) {
  while (avcodec_receive_frame(ctx_.get(), frame_.get()) == 0) {
    frame_->pts = frame_->best_effort_timestamp;
    on_frame(frame_.get());
    av_frame_unref(frame_.get());
  }
}

}  // namespace antcdn::transcode::av
