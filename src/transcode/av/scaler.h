#pragma once

// libswscale into a reused YUV 4:2:0 frame of a fixed output size (limited
// range for the encoders; full range, YUVJ420P, for JPEG thumbnails).

#include <memory>

#include "common/result.h"
#include "transcode/av/av_ptr.h"

namespace antcdn::transcode::av {

class Scaler {
 public:
  Scaler(int width, int height, AVPixelFormat format = AV_PIX_FMT_YUV420P)
      : width_(width), height_(height), format_(format) {}

  // The scaled picture (owned by the scaler, valid until the next call), pts kept.
  Result<AVFrame*> scale(const AVFrame* source);
  // True when `source` already has the output size and format.
  bool is_noop_for(const AVFrame& source) const {
    return source.width == width_ && source.height == height_ && source.format == format_;
  }

 private:
  int width_;
  int height_;
  AVPixelFormat format_;
  SwsContext* sws_ = nullptr;  // owned by holder_, which sws_getCachedContext may replace
  SwsPtr holder_;
  FramePtr frame_;
};

}  // namespace antcdn::transcode::av
