#pragma once

// Releases the renditions' encoded frames to the packager in dts order, and
// only once every rendition has caught up, so that when the packager sees the
// lead rendition's keyframe at a boundary every other rendition has delivered
// everything before it (x264's lookahead delays each encoder differently).
// Audio is held until the video has passed its time. Pure.

#include <deque>
#include <functional>
#include <vector>

#include "media/access_unit.h"

namespace antcdn::transcode {

class OutputMerger {
 public:
  // Takes each released unit over; the merger keeps nothing it has emitted.
  using Emit = std::function<void(media::AccessUnit&&)>;

  explicit OutputMerger(size_t video_streams) : video_(video_streams) {}

  void push_video(size_t index, media::AccessUnit&& unit);
  void push_audio(media::AccessUnit&& unit);
  void release(const Emit& emit);  // what is safe to release now
  void flush(const Emit& emit);    // everything, in dts order

 private:
  void release_audio_until(int64_t dts, const Emit& emit);
  void drain(bool until_a_rendition_is_empty, const Emit& emit);

  std::vector<std::deque<media::AccessUnit>> video_;
  std::deque<media::AccessUnit> audio_;
};

}  // namespace antcdn::transcode
