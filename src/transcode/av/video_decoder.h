#pragma once

// libavcodec's H.264 decoder over AVCC access units, or its H.265 decoder over
// Annex B ones (from SRT).

#include <functional>
#include <memory>

#include "common/result.h"
#include "media/access_unit.h"
#include "media/track.h"
#include "transcode/av/av_ptr.h"

namespace antcdn::transcode::av {

using FrameCallback = std::function<void(AVFrame* frame)>;

class VideoDecoder {
 public:
  static Result<std::unique_ptr<VideoDecoder>> open(const media::TrackInfo& track, int threads);

  // Decodes one access unit (timestamps in ms); decoded frames go to
  // `on_frame` with pts in ms. A corrupt unit is an error for that unit only.
  Status decode(const media::AccessUnit& unit, const FrameCallback& on_frame);
  void drain(const FrameCallback& on_frame);

 private:
  void receive(const FrameCallback& on_frame);

  CodecContextPtr ctx_;
  PacketPtr packet_ = make_packet();
  FramePtr frame_ = make_frame();
};

}  // namespace antcdn::transcode::av
