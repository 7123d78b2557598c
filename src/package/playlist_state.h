#pragma once

// The live window of one rendition's media playlist: segments in, text out,
// with the media and discontinuity sequence numbers kept right as segments
// slide out and reconnects join. With low latency on, the parts of the segment
// being built are listed as they come, and the last few segments keep theirs.
// Pure.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/hls/media_playlist.h"

namespace antcdn::package {

class PlaylistState {
 public:
  explicit PlaylistState(size_t window_segments) : window_(window_segments) {}

  // Completed segments that keep their EXT-X-PART lines: at least 3 target
  // durations back from the live edge (RFC 8216bis 4.4.4.9), no more.
  static constexpr size_t kSegmentsWithParts = 3;

  // The state a stored playlist was rendered from, so another node can go on
  // writing it: sequence numbers, the target duration (kept as the floor),
  // every segment with its EXT-X-MAP, ENDLIST. render() gives back the same
  // text for any playlist render() wrote. The text comes from storage, so
  // anything else (a truncated object, a segment without EXTINF, a bad number)
  // is InvalidArgument; unknown tags are skipped, as RFC 8216 asks of readers.
  // A stored window longer than `window_segments` shrinks on the next add().
  static Result<PlaylistState> restore(std::string_view m3u8, size_t window_segments);

  // The next segment added starts after a discontinuity (a reconnect joined).
  void mark_discontinuity() { discontinuity_next_ = true; }
  // Lists parts from now on (call before the first part; stays for the stream).
  void set_low_latency(double part_target_s) { part_target_s_ = part_target_s; }
  bool low_latency() const { return part_target_s_.has_value(); }
  // A part of the segment being built (its sequence is next_sequence()). The
  // first part of a segment also gives the segment's date and init section.
  void add_part(format::hls::PartRecord part, int64_t program_date_time_ms,
                const std::string& init_uri);
  // Returns the URIs that slid out of the window, segments and parts that are
  // no longer listed (to delete after a grace period). The segment takes the
  // parts added since the last one.
  std::vector<std::string> add(format::hls::SegmentRecord segment);
  void end() { ended_ = true; }

  bool ended() const { return ended_; }
  size_t size() const { return segments_.size(); }
  // The newest segment's URI; empty without segments.
  std::string last_uri() const { return segments_.empty() ? std::string() : segments_.back().uri; }
  uint64_t next_sequence() const { return media_sequence_ + segments_.size(); }
  size_t partial_parts() const { return partial_.parts.size(); }
  // The newest part listed, or the newest segment when none is (LL-HLS
  // rendition reports and blocking reloads count in these).
  format::hls::RenditionReport position() const;
  // `preload_hint` names the next part; `reports` are the sibling renditions'
  // (both only written with low latency, and not once ended).
  Result<std::string> render(const std::string& preload_hint = {},
                             std::vector<format::hls::RenditionReport> reports = {}) const;

 private:
  size_t window_;
  std::deque<format::hls::SegmentRecord> segments_;
  uint64_t media_sequence_ = 0;
  uint64_t discontinuity_sequence_ = 0;
  bool discontinuity_next_ = false;
  std::optional<double> part_target_s_;
  format::hls::SegmentRecord partial_;  // the parts of the segment being built
  bool ended_ = false;
  int max_duration_s_ = 2;  // target duration never shrinks during a stream
};

}  // namespace antcdn::package
