#pragma once

// The live window of one rendition's media playlist: segments in, text out,
// with the media and discontinuity sequence numbers kept right as segments
// slide out and reconnects join. Pure; LL-HLS parts will hang off each record.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/hls/media_playlist.h"

namespace antcdn::package {

class PlaylistState {
 public:
  explicit PlaylistState(size_t window_segments) : window_(window_segments) {}

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
  // Returns the URIs that slid out of the window (to delete after a grace period).
  std::vector<std::string> add(format::hls::SegmentRecord segment);
  void end() { ended_ = true; }

  bool ended() const { return ended_; }
  size_t size() const { return segments_.size(); }
  uint64_t next_sequence() const { return media_sequence_ + segments_.size(); }
  Result<std::string> render() const;

 private:
  size_t window_;
  std::deque<format::hls::SegmentRecord> segments_;
  uint64_t media_sequence_ = 0;
  uint64_t discontinuity_sequence_ = 0;
  bool discontinuity_next_ = false;
  bool ended_ = false;
  int max_duration_s_ = 2;  // target duration never shrinks during a stream
};

}  // namespace antcdn::package
