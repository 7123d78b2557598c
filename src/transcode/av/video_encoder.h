#pragma once

// libx264 through libavcodec, set up for ABR ladders: keyframes only where the
// caller asks (forced IDR, no scene-cut keyframes), VBV-capped bitrate, global
// headers so that the avcC comes from extradata.

#include <functional>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/result.h"
#include "transcode/av/av_ptr.h"

namespace antcdn::transcode::av {

struct EncoderSettings {
  int width = 0;
  int height = 0;
  double frame_rate = 30;
  int bitrate_kbps = 0;
  int maxrate_kbps = 0;
  int bufsize_kbps = 0;
  std::string preset = "veryfast";
  int threads = 0;  // 0: x264 decides
  // tune=zerolatency: no lookahead, no B-frames, sliced threads. ~0.5 s less
  // delay through the encoder (veryfast otherwise holds ~15 frames), at some
  // compression efficiency (docs/transcoding.md).
  bool zero_latency = false;
};

using PacketCallback = std::function<void(AVPacket* packet)>;

class VideoEncoder {
 public:
  static Result<std::unique_ptr<VideoEncoder>> open(const EncoderSettings& settings);

  // AVCDecoderConfigurationRecord built from the encoder's SPS/PPS.
  const Bytes& avcc() const { return avcc_; }
  // `frame` pts in ms; `keyframe` forces an IDR. Null frame drains.
  Status encode(AVFrame* frame, bool keyframe, const PacketCallback& on_packet);

 private:
  CodecContextPtr ctx_;
  PacketPtr packet_ = make_packet();
  Bytes avcc_;
};

}  // namespace antcdn::transcode::av
