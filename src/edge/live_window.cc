#include "edge/live_window.h"

#include <algorithm>

#include "edge/edge_path.h"
#include "format/hls/m3u8_parser.h"

namespace antcdn::edge {

Result<LiveWindow> LiveWindow::parse(std::string_view playlist) {
  auto lines = format::hls::parse_m3u8(playlist);
  if (!lines.ok()) {
    return make_error(Code::InvalidArgument, "not a playlist: " + lines.error().message);
  }
  LiveWindow window;
  for (const format::hls::M3u8Line& line : *lines) {
    // Our playlists list bare names beside them, which the edge's URL
    // parser reads; anything else is not ours and is skipped.
    std::optional<MediaFileName> name;
    if (line.kind == format::hls::M3u8Line::Kind::Uri) {
      name = parse_media_file_name(line.value);
    } else if (line.kind == format::hls::M3u8Line::Kind::Tag &&
               (line.name == "EXT-X-MAP" || line.name == "EXT-X-PART" ||
                line.name == "EXT-X-PRELOAD-HINT")) {
      auto attributes = format::hls::parse_attribute_list(line.value);
      const std::string* uri =
          attributes.ok() ? format::hls::find_attribute(*attributes, "URI") : nullptr;
      if (uri) {
        name = parse_media_file_name(*uri);
      }
    }
    if (!name) {
      continue;
    }
    Range& range = window.sessions_[name->session];
    if (name->resource == EdgeResource::Part) {
      // Parts name their segment: the one being built may be one past the last listed.
      range.first = std::min(range.first, name->seq);
      range.last = std::max(range.last, name->seq);
    } else if (name->resource == EdgeResource::MediaSegment) {
      range.first = std::min(range.first, name->seq);
      range.last = std::max(range.last, name->seq);
      ++window.segments_;
    }
  }
  return window;
}

bool LiveWindow::may_have_init(const std::string& session) const {
  return sessions_.contains(session);
}

bool LiveWindow::may_have_segment(const std::string& session, uint64_t seq) const {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    return false;
  }
  const Range& r = it->second;
  if (r.first > r.last) {
    // Only its init is listed so far: its first segments are on their way.
    return seq < kAhead;
  }
  uint64_t behind = r.first - std::min<uint64_t>(r.first, segments_);
  uint64_t ahead = r.last > UINT64_MAX - kAhead ? UINT64_MAX : r.last + kAhead;
  return seq >= behind && seq <= ahead;
}

}  // namespace antcdn::edge
