#include "transcode/av/resampler.h"

namespace antcdn::transcode::av {
namespace {

constexpr AVSampleFormat kOutFormat = AV_SAMPLE_FMT_FLTP;
constexpr int kOutChannels = 2;

}  // namespace

Resampler::Resampler(int sample_rate, int frame_samples)
    : sample_rate_(sample_rate),
      frame_samples_(frame_samples),
      fifo_(av_audio_fifo_alloc(kOutFormat, kOutChannels, frame_samples * 4)) {}

Status Resampler::configure(const AVFrame& input) {
  if (swr_ && in_rate_ == input.sample_rate && in_format_ == input.format &&
      av_channel_layout_compare(&in_layout_, &input.ch_layout) == 0) {
    return {};
  }
  // Kept as the shape swr_ is for (FFmpeg 5.1 takes the layouts non-const).
  av_channel_layout_uninit(&in_layout_);
  av_channel_layout_copy(&in_layout_, &input.ch_layout);
  in_rate_ = input.sample_rate;
  in_format_ = input.format;
  SwrContext* raw = nullptr;
  AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  int err =
      swr_alloc_set_opts2(&raw, &stereo, kOutFormat, sample_rate_, &in_layout_,
                          static_cast<AVSampleFormat>(input.format), input.sample_rate, 0, nullptr);
  SwrPtr swr(raw);
  if (err < 0 || (err = swr_init(swr.get())) < 0) {
    swr_.reset();  // the next frame tries again
    return make_error(Code::Unsupported, "cannot convert audio of " +
                                             std::to_string(input.sample_rate) + " Hz, " +
                                             std::to_string(input.ch_layout.nb_channels) +
                                             " channels: " + error_text(err));
  }
  swr_ = std::move(swr);
  return {};
}

Status Resampler::push(const AVFrame& input) {
  if (!fifo_) {
    return make_error(Code::Internal, "av_audio_fifo_alloc failed");
  }
  if (Status s = configure(input); !s.ok()) {
    return s;
  }
  int capacity = swr_get_out_samples(swr_.get(), input.nb_samples);
  if (capacity <= 0) {
    return {};
  }
  FramePtr converted = make_frame();
  converted->format = kOutFormat;
  converted->sample_rate = sample_rate_;
  converted->nb_samples = capacity;
  av_channel_layout_default(&converted->ch_layout, kOutChannels);
  if (int err = av_frame_get_buffer(converted.get(), 0); err < 0) {
    return make_error(Code::Internal, "resample buffer: " + error_text(err));
  }
  int samples = swr_convert(swr_.get(), converted->data, capacity,
                            const_cast<const uint8_t**>(input.extended_data), input.nb_samples);
  if (samples < 0) {
    return make_error(Code::InvalidArgument, "resample: " + error_text(samples));
  }
  if (av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(converted->data), samples) <
      samples) {
    return make_error(Code::Internal, "audio fifo write failed");
  }
  return {};
}

Result<AVFrame*> Resampler::pop(bool pad) {
  int buffered = fifo_ ? av_audio_fifo_size(fifo_.get()) : 0;
  if (buffered == 0 || (buffered < frame_samples_ && !pad)) {
    return static_cast<AVFrame*>(nullptr);
  }
  av_frame_unref(out_.get());
  out_->format = kOutFormat;
  out_->sample_rate = sample_rate_;
  out_->nb_samples = frame_samples_;
  av_channel_layout_default(&out_->ch_layout, kOutChannels);
  if (int err = av_frame_get_buffer(out_.get(), 0); err < 0) {
    return make_error(Code::Internal, "audio frame buffer: " + error_text(err));
  }
  int got = av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(out_->data), frame_samples_);
  if (got < frame_samples_) {
    av_samples_set_silence(out_->data, got, frame_samples_ - got, kOutChannels, kOutFormat);
  }
  return out_.get();
}

void Resampler::clear() {
  if (fifo_) {
    av_audio_fifo_reset(fifo_.get());
  }
}

}  // namespace antcdn::transcode::av
