#include "thumbnail/segment_choice.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "common/parse_number.h"
#include "format/hls/m3u8_parser.h"

namespace antcdn::thumbnail {
namespace {

using format::hls::M3u8Line;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "thumbnail: " + what);
}

struct Listed {
  std::string init_uri;
  std::string uri;
  double start_s = 0;
  double duration_s = 0;
};

Result<std::vector<Listed>> list_segments(std::string_view media) {
  auto lines = format::hls::parse_m3u8(media);
  if (!lines.ok()) {
    return lines.error();
  }
  std::vector<Listed> segments;
  std::string map;
  double duration = -1;  // of the EXTINF awaiting its URI; -1: none
  double start = 0;
  for (const M3u8Line& line : *lines) {
    if (line.kind == M3u8Line::Kind::Tag && line.name == "EXT-X-MAP") {
      map = format::hls::map_uri(line.value).value_or("");
    } else if (line.kind == M3u8Line::Kind::Tag && line.name == "EXTINF") {
      auto seconds = format::hls::extinf_duration(line.value);
      if (!seconds) {
        return invalid("bad EXTINF '" + line.value + "'");
      }
      duration = *seconds;
    } else if (line.kind == M3u8Line::Kind::Uri && duration >= 0) {
      // (URI lines without an EXTINF are not media segments.)
      if (!map.empty()) {
        segments.push_back(Listed{map, line.value, start, duration});
      }
      start += duration;
      duration = -1;
    }
  }
  return segments;
}

bool is_safe_part(std::string_view part) {
  return !part.empty() && part != "." && part != "..";
}

}  // namespace

Result<std::string> top_variant_uri(std::string_view master) {
  auto lines = format::hls::parse_m3u8(master);
  if (!lines.ok()) {
    return lines.error();
  }
  std::optional<std::string> best;
  int64_t best_bandwidth = -1;
  std::optional<int64_t> pending;  // BANDWIDTH of the EXT-X-STREAM-INF awaiting its URI
  for (const M3u8Line& line : *lines) {
    if (line.kind == M3u8Line::Kind::Tag && line.name == "EXT-X-STREAM-INF") {
      auto attributes = format::hls::parse_attribute_list(line.value);
      const std::string* bw =
          attributes.ok() ? format::hls::find_attribute(*attributes, "BANDWIDTH") : nullptr;
      pending = bw ? parse_number<int64_t>(*bw) : std::nullopt;
      if (!pending) {
        return invalid("EXT-X-STREAM-INF without a BANDWIDTH");
      }
    } else if (line.kind == M3u8Line::Kind::Uri && pending) {
      if (*pending > best_bandwidth) {
        best_bandwidth = *pending;
        best = line.value;
      }
      pending.reset();
    }
  }
  if (!best) {
    return make_error(Code::NotFound, "thumbnail: master playlist lists no variant");
  }
  return *best;
}

Result<SegmentChoice> choose_segment(std::string_view media, std::optional<double> time_s) {
  auto segments = list_segments(media);
  if (!segments.ok()) {
    return segments.error();
  }
  if (segments->empty()) {
    return make_error(Code::NotFound, "thumbnail: the playlist lists no segment yet");
  }
  const Listed* pick = &segments->back();
  if (time_s) {
    // The last segment that starts at or before the time; earlier times take the first.
    double t = std::isfinite(*time_s) ? *time_s : 0;
    auto after = std::upper_bound(segments->begin(), segments->end(), t,
                                  [](double v, const Listed& s) { return v < s.start_s; });
    pick = after == segments->begin() ? &segments->front() : &*(after - 1);
  }
  return SegmentChoice{pick->init_uri, pick->uri, pick->start_s};
}

Result<std::string> resolve_key(std::string_view playlist_key, std::string_view uri) {
  if (uri.empty() || uri.front() == '/' || uri.find_first_of("?#:\\%") != std::string_view::npos) {
    return invalid("playlist URI '" + std::string(uri) + "' is not a plain relative path");
  }
  for (size_t pos = 0;;) {
    size_t slash = uri.find('/', pos);
    if (!is_safe_part(uri.substr(pos, slash - pos))) {
      return invalid("playlist URI '" + std::string(uri) + "' is not a plain relative path");
    }
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  size_t dir = playlist_key.rfind('/');
  std::string key =
      dir == std::string_view::npos ? "" : std::string(playlist_key.substr(0, dir + 1));
  return key + std::string(uri);
}

}  // namespace antcdn::thumbnail
