#include "package/playlist_state.h"

#include <chrono>
#include <optional>

#include "common/parse_number.h"
#include "format/hls/m3u8_parser.h"

namespace antcdn::package {
namespace {

using format::hls::M3u8Line;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "stored playlist: " + what);
}

// A fixed-width field of decimal digits, e.g. "05"; no sign, no spaces.
std::optional<int> digits(std::string_view s) {
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

// "2024-05-01T12:00:00.250Z", exactly as format_program_date_time writes it.
std::optional<int64_t> parse_program_date_time(std::string_view s) {
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[23] != 'Z') {
    return std::nullopt;
  }
  auto y = digits(s.substr(0, 4));
  auto mo = digits(s.substr(5, 2));
  auto d = digits(s.substr(8, 2));
  auto h = digits(s.substr(11, 2));
  auto mi = digits(s.substr(14, 2));
  auto sec = digits(s.substr(17, 2));
  auto ms = digits(s.substr(20, 3));
  if (!y || !mo || !d || !h || !mi || !sec || !ms || *h > 23 || *mi > 59 || *sec > 59) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  auto t = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*sec} + milliseconds{*ms};
  return time_point_cast<milliseconds>(t).time_since_epoch().count();
}

// Reads stored text back into the writer's value type, one line at a time.
class PlaylistReader {
 public:
  Status line(const M3u8Line& line) {
    if (playlist_.ended) {
      return invalid("text after EXT-X-ENDLIST");
    }
    if (line.kind == M3u8Line::Kind::Uri) {
      return segment(line.value);
    }
    return line.kind == M3u8Line::Kind::Tag ? tag(line.name, line.value) : Status{};
  }

  Result<format::hls::MediaPlaylist> finish() && {
    // The parts of a segment still being built when the text was written are
    // not continued: the next session starts a new segment.
    if (next_started_ && !next_has_parts_) {
      return invalid("the last segment has no URI (truncated?)");
    }
    if (playlist_.target_duration_s == 0) {
      return invalid("no EXT-X-TARGETDURATION");
    }
    return std::move(playlist_);
  }

 private:
  Status segment(const std::string& uri) {
    if (!next_duration_) {
      return invalid("segment " + uri + " has no EXTINF");
    }
    next_.uri = uri;
    next_.duration_s = *next_duration_;
    next_.init_uri = map_;
    playlist_.segments.push_back(std::move(next_));
    next_ = {};
    next_duration_.reset();
    next_started_ = false;
    next_has_parts_ = false;
    return {};
  }

  Status tag(const std::string& name, const std::string& value) {
    if (name == "EXT-X-TARGETDURATION") {
      auto n = parse_number<int>(value);
      if (!n || *n <= 0) {
        return invalid("bad EXT-X-TARGETDURATION '" + value + "'");
      }
      playlist_.target_duration_s = *n;
    } else if (name == "EXT-X-MEDIA-SEQUENCE" || name == "EXT-X-DISCONTINUITY-SEQUENCE") {
      auto n = parse_number<uint64_t>(value);
      if (!n) {
        return invalid("bad " + name + " '" + value + "'");
      }
      (name == "EXT-X-MEDIA-SEQUENCE" ? playlist_.media_sequence
                                      : playlist_.discontinuity_sequence) = *n;
    } else if (name == "EXT-X-ENDLIST") {
      if (next_started_) {
        return invalid("EXT-X-ENDLIST inside a segment");
      }
      playlist_.ended = true;
    } else {
      return segment_tag(name, value);
    }
    return {};
  }

  // Tags that describe the segment whose URI comes next.
  Status segment_tag(const std::string& name, const std::string& value) {
    if (name == "EXT-X-DISCONTINUITY") {
      next_.discontinuity_before = true;
    } else if (name == "EXT-X-MAP") {
      auto uri = format::hls::map_uri(value);
      if (!uri) {
        return invalid("EXT-X-MAP without a URI");
      }
      map_ = std::move(*uri);
    } else if (name == "EXT-X-PROGRAM-DATE-TIME") {
      auto ms = parse_program_date_time(value);
      if (!ms) {
        return invalid("bad EXT-X-PROGRAM-DATE-TIME '" + value + "'");
      }
      next_.program_date_time_ms = *ms;
    } else if (name == "EXT-X-PART") {
      next_has_parts_ = true;
      return {};  // the parts of stored segments are not listed again
    } else if (name == "EXTINF") {
      next_duration_ = format::hls::extinf_duration(value);
      if (!next_duration_) {
        return invalid("bad EXTINF '" + value + "'");
      }
    } else {
      return {};  // EXT-X-VERSION, EXT-X-INDEPENDENT-SEGMENTS, or unknown
    }
    next_started_ = true;
    return {};
  }

  format::hls::MediaPlaylist playlist_;
  format::hls::SegmentRecord next_;  // what the tags so far say of the next segment
  std::optional<double> next_duration_;
  bool next_started_ = false;
  bool next_has_parts_ = false;
  std::string map_;  // the EXT-X-MAP in force
};

}  // namespace

Result<PlaylistState> PlaylistState::restore(std::string_view m3u8, size_t window_segments) {
  // Our writer ends every line; a missing last line break means a cut-off object.
  if (!m3u8.ends_with('\n')) {
    return invalid("does not end with a line break (truncated?)");
  }
  auto lines = format::hls::parse_m3u8(m3u8);
  if (!lines.ok()) {
    return lines.error().with_context("stored playlist");
  }
  PlaylistReader reader;
  for (const M3u8Line& line : *lines) {
    if (Status s = reader.line(line); !s.ok()) {
      return s.error();
    }
  }
  auto stored = std::move(reader).finish();
  if (!stored.ok()) {
    return stored.error();
  }
  PlaylistState state(window_segments);
  state.segments_.assign(stored->segments.begin(), stored->segments.end());
  state.media_sequence_ = stored->media_sequence;
  state.discontinuity_sequence_ = stored->discontinuity_sequence;
  state.ended_ = stored->ended;
  // The written target is already the floor we started from or more.
  state.max_duration_s_ = stored->target_duration_s;
  return state;
}

void PlaylistState::add_part(format::hls::PartRecord part, int64_t program_date_time_ms,
                             const std::string& init_uri) {
  if (partial_.parts.empty()) {
    partial_.program_date_time_ms = program_date_time_ms;
    partial_.init_uri = init_uri;
  }
  partial_.parts.push_back(std::move(part));
}

std::vector<std::string> PlaylistState::add(format::hls::SegmentRecord segment) {
  segment.discontinuity_before = discontinuity_next_ && next_sequence() > 0;
  discontinuity_next_ = false;
  segment.parts = std::move(partial_.parts);
  partial_ = {};
  // As the writer rounds it (ms first, then to the nearest second): the target never shrinks.
  max_duration_s_ = std::max(max_duration_s_, format::hls::target_duration({segment}, 1));
  segments_.push_back(std::move(segment));
  std::vector<std::string> evicted;
  if (segments_.size() > kSegmentsWithParts) {
    auto& older = segments_[segments_.size() - 1 - kSegmentsWithParts];
    for (auto& part : older.parts) {
      evicted.push_back(std::move(part.uri));
    }
    older.parts.clear();
  }
  while (segments_.size() > window_) {
    // EXT-X-DISCONTINUITY-SEQUENCE counts the tags that left the window.
    if (segments_.front().discontinuity_before) {
      ++discontinuity_sequence_;
    }
    evicted.push_back(segments_.front().uri);
    for (auto& part : segments_.front().parts) {
      evicted.push_back(std::move(part.uri));  // a window shorter than kSegmentsWithParts
    }
    segments_.pop_front();
    ++media_sequence_;
  }
  return evicted;
}

format::hls::RenditionReport PlaylistState::position() const {
  format::hls::RenditionReport at;
  if (!partial_.parts.empty()) {
    at.last_msn = next_sequence();
    at.last_part = partial_.parts.size() - 1;
  } else if (!segments_.empty()) {
    at.last_msn = next_sequence() - 1;
    if (!segments_.back().parts.empty()) {
      at.last_part = segments_.back().parts.size() - 1;
    }
  }
  return at;
}

Result<std::string> PlaylistState::render(const std::string& preload_hint,
                                          std::vector<format::hls::RenditionReport> reports) const {
  format::hls::MediaPlaylist p;
  if (part_target_s_) {
    p.low_latency = format::hls::LowLatency{.part_target_s = *part_target_s_,
                                            .partial = partial_,
                                            .preload_hint_uri = preload_hint,
                                            .reports = std::move(reports)};
    p.low_latency->partial.discontinuity_before = discontinuity_next_ && next_sequence() > 0;
  }
  p.target_duration_s = max_duration_s_;
  p.media_sequence = media_sequence_;
  p.discontinuity_sequence = discontinuity_sequence_;
  p.segments.assign(segments_.begin(), segments_.end());
  p.ended = ended_;
  return format::hls::write_media_playlist(p);
}

}  // namespace antcdn::package
