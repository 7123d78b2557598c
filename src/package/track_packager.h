#pragma once

// Collects the access units of one track (one rendition) and turns them into
// CMAF pieces: the init section once, then one media segment per cut. Cuts are
// decided by the StreamPackager so that every rendition shares boundaries.
// Without low latency a segment is written as one fragment; with it, each
// LL-HLS part is a fragment of its own (cut_part), and the segment is the
// concatenation of its parts behind one 'styp' (finish_segment).

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

// One LL-HLS part: a fragment (moof + mdat) of the segment being built.
struct Part {
  Bytes bytes;
  int64_t start_us = 0;  // as Segment::start_us
  int64_t duration_us = 0;
  bool independent = false;  // its first sample is a sync sample
};

// What one track holds between cuts. Cuts come at the lead video track's
// keyframes (>= 2 s apart; ingest refuses a track without one for 10 s), so a
// real stream holds ~2-10 s here. The bounds are 3x the longest real wait:
// 30 s of media, 16,384 frames (30 s of 240 fps video is 7,200) and 128 MB
// (34 Mbit/s for 30 s, or 100 Mbit/s for 10 s), each unit's bookkeeping counted.
struct TrackLimits {
  int64_t max_pending_ms = 30000;
  size_t max_pending_units = 16384;
  size_t max_pending_bytes = size_t{128} * 1024 * 1024;
};

class TrackPackager {
 public:
  // `track` as it arrives (timescale of its access units); the output
  // timescale is 90 kHz for video and the sample rate for audio.
  explicit TrackPackager(media::TrackInfo track, TrackLimits limits = {});

  const media::TrackInfo& track() const { return track_; }
  const media::TrackInfo& output_track() const { return output_; }
  // A unit's dts in microseconds, on the clock of Segment::start_us.
  int64_t media_time_us(const media::AccessUnit& unit) const;
  Result<Bytes> init_segment() const;

  // Video units before the first keyframe are dropped (nothing could decode
  // them), and so are audio frames that overlap audio already pushed. The unit's
  // bytes are kept, not copied, until the segment they end up in is built.
  // ResourceExhausted (and the unit is not kept) past a TrackLimits bound.
  Status push(media::AccessUnit&& unit);
  uint64_t dropped_audio_frames() const { return dropped_audio_frames_; }
  bool empty() const { return pending_.empty(); }
  // Dts (ms) of the oldest pending unit.
  std::optional<int64_t> pending_start_ms() const;
  int64_t last_dts_ms() const { return last_dts_ms_; }

  // Everything with dts < boundary_ms; nullopt when nothing is pending below it.
  // `final` closes the track: the last sample gets the usual frame duration.
  Result<std::optional<Segment>> cut(int64_t boundary_ms);
  Result<std::optional<Segment>> cut_all();

  // Low latency: everything with dts < boundary_ms (cut_last_part: everything)
  // as the next part of the segment being built; nullopt when nothing is pending.
  Result<std::optional<Part>> cut_part(int64_t boundary_ms);
  Result<std::optional<Part>> cut_last_part();
  // The segment made of the parts cut since the last one; nullopt if none.
  std::optional<Segment> finish_segment();

 private:
  struct Pending {
    media::AccessUnit unit;
    int64_t out_dts = 0;  // in the output timescale
    int64_t out_pts = 0;
  };
  struct Fragment {
    Bytes bytes;
    int64_t start_ms = 0;
    int64_t start_us = 0;
    int64_t duration_us = 0;
    size_t samples = 0;
    bool independent = false;
  };
  // The first `count` pending units as one fragment, behind a 'styp' if `styp`.
  Result<std::optional<Fragment>> take(size_t count, int64_t end_out_dts, bool styp);
  Result<std::optional<Segment>> build(size_t count, int64_t end_out_dts);
  Result<std::optional<Part>> add_part(size_t count, int64_t end_out_dts);
  size_t count_below(int64_t boundary_ms) const;
  int64_t end_at(int64_t boundary_ms, size_t count) const;
  int64_t to_out(int64_t t) const;

  Status check_limits(const media::AccessUnit& unit) const;

  media::TrackInfo track_;
  media::TrackInfo output_;
  TrackLimits limits_;
  std::deque<Pending> pending_;
  size_t pending_bytes_ = 0;
  bool seen_keyframe_ = false;
  uint32_t fragment_sequence_ = 1;
  int64_t last_dts_ms_ = 0;
  int64_t nominal_duration_ = 0;  // output timescale
  // Audio: timestamps are rebuilt from sample counts so that AAC frames get
  // exact durations, resynchronised if the source clock drifts by a frame.
  std::optional<int64_t> next_audio_dts_;
  uint64_t dropped_audio_frames_ = 0;
  // Low latency: the segment being built, its parts so far behind one 'styp'.
  std::optional<Segment> open_segment_;
};

}  // namespace antcdn::package
