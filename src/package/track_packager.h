#pragma once

// Collects the access units of one track (one rendition) and turns them into
// CMAF pieces: the init section once, then one media segment per cut. Cuts are
// decided by the StreamPackager so that every rendition shares boundaries.
// A segment is written as one fragment today; LL-HLS parts will be further
// fragments of the same segment, cut from the same pending samples.

#include <cstdint>
#include <deque>
#include <optional>

#include "common/result.h"
#include "media/access_unit.h"
#include "media/track.h"

namespace antcdn::package {

struct Segment {
  Bytes bytes;           // styp + moof/mdat
  int64_t start_ms = 0;  // of the first sample, on the ingest clock
  // The first sample's time in the written track (its tfdt) in microseconds:
  // on the same clock in every track, so it places the segment in media time.
  int64_t start_us = 0;
  int64_t duration_us = 0;
  size_t samples = 0;
};

class TrackPackager {
 public:
  // `track` as it arrives (timescale of its access units); the output
  // timescale is 90 kHz for video and the sample rate for audio.
  explicit TrackPackager(media::TrackInfo track);

  const media::TrackInfo& track() const { return track_; }
  const media::TrackInfo& output_track() const { return output_; }
  // A unit's dts in microseconds, on the clock of Segment::start_us.
  int64_t media_time_us(const media::AccessUnit& unit) const;
  Result<Bytes> init_segment() const;

  // Video units before the first keyframe are dropped (nothing could decode
  // them), and so are audio frames that overlap audio already pushed. The unit's
  // bytes are kept, not copied, until the segment they end up in is built.
  void push(media::AccessUnit&& unit);
  uint64_t dropped_audio_frames() const { return dropped_audio_frames_; }
  bool empty() const { return pending_.empty(); }
  // Dts (ms) of the oldest pending unit.
  std::optional<int64_t> pending_start_ms() const;
  int64_t last_dts_ms() const { return last_dts_ms_; }

  // Everything with dts < boundary_ms; nullopt when nothing is pending below it.
  // `final` closes the track: the last sample gets the usual frame duration.
  Result<std::optional<Segment>> cut(int64_t boundary_ms);
  Result<std::optional<Segment>> cut_all();

 private:
  struct Pending {
    media::AccessUnit unit;
    int64_t out_dts = 0;  // in the output timescale
    int64_t out_pts = 0;
  };
  Result<std::optional<Segment>> build(size_t count, int64_t end_out_dts);
  int64_t to_out(int64_t t) const;

  media::TrackInfo track_;
  media::TrackInfo output_;
  std::deque<Pending> pending_;
  bool seen_keyframe_ = false;
  uint32_t fragment_sequence_ = 1;
  int64_t last_dts_ms_ = 0;
  int64_t nominal_duration_ = 0;  // output timescale
  // Audio: timestamps are rebuilt from sample counts so that AAC frames get
  // exact durations, resynchronised if the source clock drifts by a frame.
  std::optional<int64_t> next_audio_dts_;
  uint64_t dropped_audio_frames_ = 0;
};

}  // namespace antcdn::package
