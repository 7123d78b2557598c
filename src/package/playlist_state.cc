#include "package/playlist_state.h"

#include <cmath>

namespace antcdn::package {

std::vector<std::string> PlaylistState::add(format::hls::SegmentRecord segment) {
  segment.discontinuity_before = discontinuity_next_ && next_sequence() > 0;
  discontinuity_next_ = false;
  // Rounded to the millisecond first (as EXTINF prints it), so 2.0000001 s stays 2.
  max_duration_s_ = std::max(
      max_duration_s_, static_cast<int>(std::ceil(std::round(segment.duration_s * 1000) / 1000)));
  segments_.push_back(std::move(segment));
  std::vector<std::string> evicted;
  while (segments_.size() > window_) {
    // EXT-X-DISCONTINUITY-SEQUENCE counts the tags that left the window.
    if (segments_.front().discontinuity_before) {
      ++discontinuity_sequence_;
    }
    evicted.push_back(segments_.front().uri);
    segments_.pop_front();
    ++media_sequence_;
  }
  return evicted;
}

Result<std::string> PlaylistState::render() const {
  format::hls::MediaPlaylist p;
  p.target_duration_s = max_duration_s_;
  p.media_sequence = media_sequence_;
  p.discontinuity_sequence = discontinuity_sequence_;
  p.segments.assign(segments_.begin(), segments_.end());
  p.ended = ended_;
  return format::hls::write_media_playlist(p);
}

}  // namespace antcdn::package
