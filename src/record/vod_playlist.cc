#include "record/vod_playlist.h"

#include "format/hls/media_playlist.h"

namespace antcdn::record {

namespace {
// The packager's segment target (package/stream_packager.h); a longer segment
// raises EXT-X-TARGETDURATION by itself.
constexpr int kTargetFloorS = 2;
}  // namespace

Result<std::string> vod_playlist(const std::vector<RecordedSegment>& segments) {
  format::hls::MediaPlaylist p;
  p.target_duration_s = kTargetFloorS;
  p.vod = true;
  p.ended = true;
  p.segments.reserve(segments.size());
  for (const auto& s : segments) {
    p.segments.push_back(format::hls::SegmentRecord{.uri = s.uri,
                                                    .duration_s = s.duration_s,
                                                    .discontinuity_before = s.discontinuity_before,
                                                    .init_uri = s.init_uri});
  }
  return format::hls::write_media_playlist(p);
}

double total_duration_s(const std::vector<RecordedSegment>& segments) {
  double total = 0;
  for (const auto& s : segments) {
    total += s.duration_s;
  }
  return total;
}

}  // namespace antcdn::record
