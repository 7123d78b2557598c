#pragma once

// libavcodec's decoder for one source audio track (AAC, MP3, Opus, AC-3):
// access units in, PCM frames out in whatever format, rate and layout the
// codec produces (the Resampler takes it from there).

#include <memory>

#include "common/result.h"
#include "media/access_unit.h"
#include "media/track.h"
#include "transcode/av/av_ptr.h"
#include "transcode/av/video_decoder.h"

namespace antcdn::transcode::av {

class AudioDecoder {
 public:
  static Result<std::unique_ptr<AudioDecoder>> open(const media::TrackInfo& track);

  // Decodes one access unit; each decoded frame goes to `on_frame`. A corrupt
  // unit is an error for that unit only.
  Status decode(const media::AccessUnit& unit, const FrameCallback& on_frame);

 private:
  CodecContextPtr ctx_;
  PacketPtr packet_ = make_packet();
  FramePtr frame_ = make_frame();
};

}  // namespace antcdn::transcode::av
