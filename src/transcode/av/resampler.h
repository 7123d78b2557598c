#pragma once

// libswresample into a FIFO: decoded frames of any format, rate and channel
// layout go in; planar float stereo frames of exactly `frame_samples` at the
// target rate come out, as an AAC encoder wants them. The converter is set up
// from the first frame and again whenever the input changes shape.

#include <cstdint>

#include "common/result.h"
#include "transcode/av/av_ptr.h"

namespace antcdn::transcode::av {

class Resampler {
 public:
  Resampler(int sample_rate, int frame_samples);
  ~Resampler() { av_channel_layout_uninit(&in_layout_); }
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  Status push(const AVFrame& input);
  // The next whole frame, or null when fewer than frame_samples are buffered.
  // With `pad`, a last partial frame is filled up with silence. The frame is
  // the Resampler's own and stays valid until the next call.
  Result<AVFrame*> pop(bool pad = false);
  // Drops what is buffered (a gap in the source: the rest would be out of place).
  void clear();

 private:
  Status configure(const AVFrame& input);

  int sample_rate_;
  int frame_samples_;
  SwrPtr swr_;
  AudioFifoPtr fifo_;
  FramePtr out_ = make_frame();
  // The input shape swr_ was set up for.
  int in_rate_ = 0;
  int in_format_ = -1;
  AVChannelLayout in_layout_{};
};

}  // namespace antcdn::transcode::av
