#include "format/hls/live_edge.h"

#include <algorithm>
#include <vector>

#include "common/parse_number.h"
#include "format/hls/m3u8_parser.h"

namespace antcdn::format::hls {
namespace {

// The Advance Part Limit of RFC 8216bis 6.2.5.2.
constexpr uint64_t kAdvancePartLimit = 3;

Error not_media_playlist(const std::string& why) {
  return make_error(Code::InvalidArgument, "media playlist: " + why);
}

// One line of raw text, without its line break.
struct RawLine {
  std::string_view text;
  bool is_tag(std::string_view name) const {
    return text.size() >= name.size() + 1 && text[0] == '#' &&
           text.substr(1, name.size()) == name &&
           (text.size() == name.size() + 1 || text[name.size() + 1] == ':');
  }
  bool is_uri() const { return !text.empty() && text[0] != '#'; }
  std::string_view value() const {
    size_t colon = text.find(':');
    return colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  }
};

std::vector<RawLine> raw_lines(std::string_view text) {
  std::vector<RawLine> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (!line.empty()) {
      lines.push_back(RawLine{line});
    }
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return lines;
}

// Tags that belong to the next segment (or part), not to the playlist.
bool is_segment_tag(const RawLine& l) {
  return l.is_tag("EXTINF") || l.is_tag("EXT-X-DISCONTINUITY") || l.is_tag("EXT-X-MAP") ||
         l.is_tag("EXT-X-PROGRAM-DATE-TIME") || l.is_tag("EXT-X-PART") ||
         l.is_tag("EXT-X-BYTERANGE") || l.is_tag("EXT-X-GAP") || l.is_tag("EXT-X-BITRATE");
}

std::optional<double> attribute_seconds(std::string_view attributes, std::string_view name) {
  auto list = parse_attribute_list(attributes);
  const std::string* value = list.ok() ? find_attribute(*list, name) : nullptr;
  if (value == nullptr) {
    return std::nullopt;
  }
  return parse_number<double>(*value);
}

}  // namespace

Result<LiveEdge> read_live_edge(std::string_view playlist) {
  auto lines = raw_lines(playlist);
  if (lines.empty() || lines[0].text != "#EXTM3U") {
    return not_media_playlist("no #EXTM3U");
  }
  LiveEdge edge;
  std::optional<uint64_t> media_sequence;
  uint64_t segments = 0;
  for (const RawLine& l : lines) {
    if (l.is_uri()) {
      ++segments;
      edge.parts = 0;
    } else if (l.is_tag("EXT-X-PART")) {
      ++edge.parts;
    } else if (l.is_tag("EXT-X-ENDLIST")) {
      edge.ended = true;
    } else if (l.is_tag("EXT-X-PART-INF")) {
      edge.low_latency = true;
    } else if (l.is_tag("EXT-X-TARGETDURATION")) {
      edge.target_duration_s = parse_number<int>(l.value()).value_or(0);
    } else if (l.is_tag("EXT-X-MEDIA-SEQUENCE")) {
      media_sequence = parse_number<uint64_t>(l.value());
      if (!media_sequence) {
        return not_media_playlist("bad EXT-X-MEDIA-SEQUENCE");
      }
    }
  }
  if (edge.target_duration_s <= 0) {
    return not_media_playlist("no EXT-X-TARGETDURATION");
  }
  edge.next_msn = media_sequence.value_or(0) + segments;
  return edge;
}

Delivery delivery(const LiveEdge& edge, const PartWanted& wanted) {
  if (edge.ended || !edge.low_latency) {
    return Delivery::Now;
  }
  if (wanted.msn < edge.next_msn) {
    return Delivery::Now;  // a whole segment: all of its parts are there
  }
  if (wanted.msn > edge.next_msn + 1) {
    return Delivery::TooFar;
  }
  if (wanted.msn == edge.next_msn && wanted.part) {
    if (*wanted.part < edge.parts) {
      return Delivery::Now;
    }
    if (*wanted.part >= edge.parts + kAdvancePartLimit) {
      return Delivery::TooFar;
    }
  }
  return Delivery::Wait;
}

bool is_newer(const LiveEdge& a, const LiveEdge& b) {
  if (a.ended != b.ended) {
    return a.ended;
  }
  return a.next_msn != b.next_msn ? a.next_msn > b.next_msn : a.parts > b.parts;
}

Result<std::string> delta_update(std::string_view playlist) {
  auto lines = raw_lines(playlist);
  if (lines.empty() || lines[0].text != "#EXTM3U") {
    return not_media_playlist("no #EXTM3U");
  }
  std::optional<double> skip_until;
  // Each whole segment: its first line (its first tag), its duration, and the
  // EXT-X-MAP in force for it.
  struct Segment {
    size_t first_line = 0;
    double duration_s = 0;
    std::string_view map;
  };
  std::vector<Segment> segments;
  std::optional<size_t> open_at;  // first line of the segment whose tags are being read
  std::string_view map;
  double duration = 0;
  size_t header_end = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    const RawLine& l = lines[i];
    if (l.is_tag("EXT-X-SERVER-CONTROL")) {
      skip_until = attribute_seconds(l.value(), "CAN-SKIP-UNTIL");
    }
    if (is_segment_tag(l) || l.is_uri()) {
      header_end = std::min(header_end, i);
      if (!open_at) {
        open_at = i;
      }
    }
    if (l.is_tag("EXT-X-MAP")) {
      map = l.text;
    } else if (l.is_tag("EXTINF")) {
      std::string_view v = l.value();
      duration = parse_number<double>(v.substr(0, v.find(','))).value_or(0);
    } else if (l.is_uri()) {
      segments.push_back(Segment{*open_at, duration, map});
      open_at.reset();
      duration = 0;
    }
  }
  if (!skip_until || *skip_until <= 0) {
    return std::string(playlist);
  }
  // Skip a segment only if what stays after it covers CAN-SKIP-UNTIL.
  double after = 0;
  for (const Segment& s : segments) {
    after += s.duration_s;
  }
  size_t skipped = 0;
  while (skipped < segments.size() && after - segments[skipped].duration_s >= *skip_until) {
    after -= segments[skipped].duration_s;
    ++skipped;
  }
  if (skipped == 0) {
    return std::string(playlist);
  }
  std::string out;
  for (size_t i = 0; i < header_end; ++i) {
    // EXT-X-SKIP needs protocol version 9.
    out += lines[i].is_tag("EXT-X-VERSION") ? std::string_view("#EXT-X-VERSION:9") : lines[i].text;
    out += '\n';
  }
  out += "#EXT-X-SKIP:SKIPPED-SEGMENTS=" + std::to_string(skipped) + "\n";
  size_t resume = skipped < segments.size() ? segments[skipped].first_line : lines.size();
  bool has_own_map = false;
  for (size_t i = resume; i < lines.size() && !lines[i].is_uri(); ++i) {
    has_own_map = has_own_map || lines[i].is_tag("EXT-X-MAP");
  }
  std::string_view map_in_force = skipped < segments.size() ? segments[skipped].map : map;
  if (!has_own_map && !map_in_force.empty()) {
    out += std::string(map_in_force) + "\n";
  }
  for (size_t i = resume; i < lines.size(); ++i) {
    out += lines[i].text;
    out += '\n';
  }
  return out;
}

}  // namespace antcdn::format::hls
