#pragma once

// libavcodec's native AAC-LC encoder, stereo at a fixed rate, with a global
// header so that the AudioSpecificConfig comes from extradata. Frames in are
// planar float of frame_samples() each (see Resampler); pts in samples.

#include <memory>

#include "common/bytes.h"
#include "common/result.h"
#include "transcode/av/av_ptr.h"
#include "transcode/av/video_encoder.h"

namespace antcdn::transcode::av {

class AacEncoder {
 public:
  static Result<std::unique_ptr<AacEncoder>> open(int sample_rate, int bitrate);

  const Bytes& audio_specific_config() const { return asc_; }
  int frame_samples() const { return ctx_->frame_size; }
  // Packets' pts are in samples and start one frame early (the encoder's
  // priming), which keeps them in step with the source. Null frame drains.
  Status encode(AVFrame* frame, const PacketCallback& on_packet);

 private:
  CodecContextPtr ctx_;
  PacketPtr packet_ = make_packet();
  Bytes asc_;
};

}  // namespace antcdn::transcode::av
