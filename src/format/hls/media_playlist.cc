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
  if (p.low_latency) {
    int target = target_duration(p.segments, p.target_duration_s);
    out += "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=" +
           format_duration(can_skip_until_s(target)) +
           ",PART-HOLD-BACK=" + format_duration(part_hold_back_s(p.low_latency->part_target_s)) +
           ",HOLD-BACK=" + format_duration(hold_back_s(target)) + "\n";
    out += "#EXT-X-PART-INF:PART-TARGET=" + format_duration(p.low_latency->part_target_s) + "\n";
  }
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(p.media_sequence) + "\n";
  out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(p.discontinuity_sequence) + "\n";
  if (p.independent_segments) {
    out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
  }
}

bool quotable(const std::string& s) {
  return s.find_first_of("\"\r\n") == std::string::npos;
}

bool valid_duration(double s) {
  return std::isfinite(s) && s >= 0;
}

// The tags before a segment's EXTINF (or, for the segment in progress, before
// the end of the playlist): discontinuity, map, date, parts.
Status write_segment_tags(std::string& out, const SegmentRecord& s, std::string& current_map) {
  if (!quotable(s.init_uri)) {
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
  for (const PartRecord& part : s.parts) {
    if (part.uri.empty() || !quotable(part.uri) || !valid_duration(part.duration_s)) {
      return invalid("part '" + part.uri + "' is not usable");
    }
    out += "#EXT-X-PART:DURATION=" + format_duration(part.duration_s) + ",URI=\"" + part.uri +
           (part.independent ? "\",INDEPENDENT=YES\n" : "\"\n");
  }
  return {};
}

Status write_segment(std::string& out, const SegmentRecord& s, std::string& current_map) {
  if (!valid_uri_line(s.uri)) {
    return invalid("segment URI '" + s.uri + "' is not usable");
  }
  if (!valid_duration(s.duration_s)) {
    return invalid("segment " + s.uri + " has a bad duration");
  }
  if (Status tags = write_segment_tags(out, s, current_map); !tags.ok()) {
    return tags;
  }
  out += "#EXTINF:" + format_duration(s.duration_s) + ",\n";
  out += s.uri + "\n";
  return {};
}

Status write_tail(std::string& out, const MediaPlaylist& p, std::string& current_map) {
  if (p.low_latency && !p.ended) {
    const LowLatency& ll = *p.low_latency;
    if (!ll.partial.parts.empty()) {
      if (Status tags = write_segment_tags(out, ll.partial, current_map); !tags.ok()) {
        return tags;
      }
    }
    if (!ll.preload_hint_uri.empty()) {
      if (!quotable(ll.preload_hint_uri)) {
        return invalid("preload hint cannot be quoted");
      }
      out += "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + ll.preload_hint_uri + "\"\n";
    }
    for (const RenditionReport& r : ll.reports) {
      if (!quotable(r.uri)) {
        return invalid("rendition report URI cannot be quoted");
      }
      out += "#EXT-X-RENDITION-REPORT:URI=\"" + r.uri + "\",LAST-MSN=" + std::to_string(r.last_msn);
      if (r.last_part) {
        out += ",LAST-PART=" + std::to_string(*r.last_part);
      }
      out += "\n";
    }
  }
  if (p.ended) {
    out += "#EXT-X-ENDLIST\n";
  }
  return {};
}

}  // namespace

int target_duration(const std::vector<SegmentRecord>& segments, int floor_s) {
  int64_t target = floor_s > 0 ? floor_s : 1;
  for (const auto& s : segments) {
    if (std::isfinite(s.duration_s) && s.duration_s > 0 && s.duration_s < 1e9) {
      // RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, is at
      // most the target. A 2.018 s segment (a keyframe a frame late) keeps a
      // 2 s target, and with it the LL-HLS hold-backs derived from it.
      target = std::max<int64_t>(target, (duration_ms(s.duration_s) + 500) / 1000);
    }
  }
  return static_cast<int>(target);
}

double part_hold_back_s(double part_target_s) {
  return 3 * part_target_s;
}

double hold_back_s(int target_duration_s) {
  return 3.0 * target_duration_s;
}

double can_skip_until_s(int target_duration_s) {
  return 6.0 * target_duration_s;
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
  if (Status tail = write_tail(out, playlist, current_map); !tail.ok()) {
    return tail.error();
  }
  return out;
}

}  // namespace antcdn::format::hls
