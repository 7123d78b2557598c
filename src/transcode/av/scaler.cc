#include "transcode/av/scaler.h"

namespace antcdn::transcode::av {

Result<AVFrame*> Scaler::scale(const AVFrame* source) {
  sws_ = sws_getCachedContext(holder_.release(), source->width, source->height,
                              static_cast<AVPixelFormat>(source->format), width_, height_, format_,
                              SWS_BICUBIC, nullptr, nullptr, nullptr);
  holder_.reset(sws_);
  if (!sws_) {
    return make_error(Code::Internal, "cannot create a scaler");
  }
  // One buffer, reused: libx264 copies each picture it is given, so the buffer
  // is free again once encode() returns (make_writable copies only if not).
  if (!frame_) {
    frame_ = make_frame();
    frame_->width = width_;
    frame_->height = height_;
    frame_->format = format_;
    if (int err = av_frame_get_buffer(frame_.get(), 0); err < 0) {
      return make_error(Code::Internal, "av_frame_get_buffer: " + error_text(err));
    }
  } else if (int err = av_frame_make_writable(frame_.get()); err < 0) {
    return make_error(Code::Internal, "av_frame_make_writable: " + error_text(err));
  }
  sws_scale(sws_, source->data, source->linesize, 0, source->height, frame_->data,
            frame_->linesize);
  frame_->pts = source->pts;
  return frame_.get();
}

}  // namespace antcdn::transcode::av
