#include "format/hls/media_playlist.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace antcdn::format::hls {
namespace {

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "media playlist: " + what);
}

bool valid_uri_line(const std::string& s) {
  return !s.empty() && s.front() != '#' && s.find_first_of("\r\n") == std::string::npos;
}

// Durations are written with millisecond precision; targets and EXTINF must
// agree on the same rounded value.
int64_t duration_ms(double seconds) {
  return std::llround(seconds * 1000.0);
}

std::string format_duration(double seconds) {
  std::array<char, 32> buf{};
  int64_t ms = duration_ms(seconds);
  std::snprintf(buf.data(), buf.size(), "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf.data();
}

void write_header(std::string& out, const MediaPlaylist& p) {
  out += "#EXTM3U\n";
  out += "#EXT-X-VERSION:" + std::to_string(p.version) + "\n";
  out +=
      "#EXT-X-TARGETDURATION:" + std::to_string(target_duration(p.segments, p.target_duration_s)) +
      "\n";
  if (p.vod) {
    out += "#EXT-X-PLAYLIST-TYPE:VOD\n";
  }
  // LL-HLS: EXT-X-SERVER-CONTROL and EXT-X-PART-INF go here.
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(p.media_sequence) + "\n";
  out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(p.discontinuity_sequence) + "\n";
  if (p.independent_segments) {
    out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
  }
}

Status write_segment(std::string& out, const SegmentRecord& s, std::string& current_map) {
  if (!valid_uri_line(s.uri)) {
    return invalid("segment URI '" + s.uri + "' is not usable");
  }
  if (!std::isfinite(s.duration_s) || s.duration_s < 0) {
    return invalid("segment " + s.uri + " has a bad duration");
  }
  if (s.init_uri.find_first_of("\"\r\n") != std::string::npos) {
    return invalid("init URI of " + s.uri + " cannot be quoted");
  }
  if (s.discontinuity_before) {
    out += "#EXT-X-DISCONTINUITY\n";
  }
  if (!s.init_uri.empty() && s.init_uri != current_map) {
    out += "#EXT-X-MAP:URI=\"" + s.init_uri + "\"\n";
    current_map = s.init_uri;
  }
  if (s.program_date_time_ms > 0) {
    out += "#EXT-X-PROGRAM-DATE-TIME:" + format_program_date_time(s.program_date_time_ms) + "\n";
  }
  // LL-HLS: this segment's EXT-X-PART lines go here.
  out += "#EXTINF:" + format_duration(s.duration_s) + ",\n";
  out += s.uri + "\n";
  return {};
}

void write_tail(std::string& out, const MediaPlaylist& p) {
  // LL-HLS: parts of the segment in progress and EXT-X-PRELOAD-HINT go here.
  if (p.ended) {
    out += "#EXT-X-ENDLIST\n";
  }
}

}  // namespace

int target_duration(const std::vector<SegmentRecord>& segments, int floor_s) {
  int64_t target = floor_s > 0 ? floor_s : 1;
  for (const auto& s : segments) {
    if (std::isfinite(s.duration_s) && s.duration_s > 0 && s.duration_s < 1e9) {
      target = std::max<int64_t>(target, (duration_ms(s.duration_s) + 999) / 1000);
    }
  }
  return static_cast<int>(target);
}

std::string format_program_date_time(int64_t unix_ms) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds{unix_ms}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{floor<milliseconds>(t - day)};
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf.data();
}

Result<std::string> write_media_playlist(const MediaPlaylist& playlist) {
  std::string out;
  write_header(out, playlist);
  std::string current_map;
  for (const auto& s : playlist.segments) {
    if (Status st = write_segment(out, s, current_map); !st.ok()) {
      return st.error();
    }
  }
  write_tail(out, playlist);
  return out;
}

}  // namespace antcdn::format::hls
