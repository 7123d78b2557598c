#pragma once

// Releases the renditions' encoded frames to the packager in dts order, and
// only once every rendition has caught up, so that when the packager sees the
// lead rendition's keyframe at a boundary every other rendition has delivered
// everything before it (x264's lookahead delays each encoder differently).
// Audio is held until the video has passed its time. Pure.
//
// Bounded: audio waits for video for at most max_audio_wait_ms of media (or
// max_held_audio frames), and one rendition may run at most max_video_lead
// frames ahead of the slowest; past either, push_* returns ResourceExhausted
// and the transcoder fails the stream. x264's lookahead (veryfast: 10 frames,
// plus one per frame thread) keeps renditions within a few dozen frames, and
// the ingest keyframe bound (10 s) comes first for a stream without video.

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "common/result.h"
#include "media/access_unit.h"

namespace antcdn::transcode {

class OutputMerger {
 public:
  // Takes each released unit over; the merger keeps nothing it has emitted.
  using Emit = std::function<void(media::AccessUnit&&)>;

  struct Limits {
    int64_t max_audio_wait_ms = 20000;
    size_t max_held_audio = 4096;  // 20 s of 96 kHz AAC is 1,875 frames
    size_t max_video_lead = 600;   // 10 s at 60 fps
  };

  explicit OutputMerger(size_t video_streams) : OutputMerger(video_streams, Limits{}) {}
  OutputMerger(size_t video_streams, Limits limits) : limits_(limits), video_(video_streams) {}

  // A unit past a bound is not kept.
  Status push_video(size_t index, media::AccessUnit&& unit);
  Status push_audio(media::AccessUnit&& unit);
  void release(const Emit& emit);  // what is safe to release now
  void flush(const Emit& emit);    // everything, in dts order

 private:
  void release_audio_until(int64_t dts, const Emit& emit);
  void drain(bool until_a_rendition_is_empty, const Emit& emit);

  Limits limits_;
  std::vector<std::deque<media::AccessUnit>> video_;
  std::deque<media::AccessUnit> audio_;
};

}  // namespace antcdn::transcode
