#include "transcode/av/audio_decoder.h"

#include <cstring>

namespace antcdn::transcode::av {
namespace {

AVCodecID codec_id(media::Codec codec) {
  switch (codec) {
    case media::Codec::Aac:
      return AV_CODEC_ID_AAC;
    case media::Codec::Mp3:
      return AV_CODEC_ID_MP3;
    case media::Codec::Opus:
      return AV_CODEC_ID_OPUS;
    case media::Codec::Ac3:
      return AV_CODEC_ID_AC3;
    case media::Codec::H264:
    case media::Codec::H265:
      break;
  }
  return AV_CODEC_ID_NONE;
}

}  // namespace

Result<std::unique_ptr<AudioDecoder>> AudioDecoder::open(const media::TrackInfo& track) {
  const AVCodec* codec = avcodec_find_decoder(codec_id(track.codec));
  if (!codec) {
    return make_error(Code::Unsupported, "libavcodec has no decoder for this audio codec");
  }
  auto d = std::make_unique<AudioDecoder>();
  d->ctx_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = d->ctx_.get();
  if (!track.codec_config.empty()) {
    // AudioSpecificConfig or OpusHead: how the decoder learns the layout.
    c->extradata =
        static_cast<uint8_t*>(av_mallocz(track.codec_config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    std::memcpy(c->extradata, track.codec_config.data(), track.codec_config.size());
    c->extradata_size = static_cast<int>(track.codec_config.size());
  }
  // Hints only: MP3 and AC-3 frames carry their own rate and channels.
  c->sample_rate = track.sample_rate;
  if (track.channels > 0) {
    av_channel_layout_default(&c->ch_layout, track.channels);
  }
  c->pkt_timebase = AVRational{1, static_cast<int>(track.timescale)};
  if (int err = avcodec_open2(c, codec, nullptr); err < 0) {
    return make_error(Code::Unsupported, std::string("cannot open the ") + codec->name +
                                             " decoder: " + error_text(err));
  }
  return d;
}

Status AudioDecoder::decode(const media::AccessUnit& unit, const FrameCallback& on_frame) {
  if (Status loaded = load_packet(packet_.get(), unit); !loaded.ok()) {
    return loaded;
  }
  int err = avcodec_send_packet(ctx_.get(), packet_.get());
  Status result;
  if (err < 0 && err != AVERROR(EAGAIN)) {
    result = make_error(Code::InvalidArgument, "audio decode: " + error_text(err));
  }
  while (avcodec_receive_frame(ctx_.get(), frame_.get()) == 0) {
    on_frame(frame_.get());
    av_frame_unref(frame_.get());
  }
  return result;
}

}  // namespace antcdn::transcode::av
