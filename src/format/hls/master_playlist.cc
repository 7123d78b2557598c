#include "format/hls/master_playlist.h"

#include <array>
#include <cstdio>

#include "media/input_limits.h"

namespace antcdn::format::hls {
namespace {

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "master playlist: " + what);
}

// A quoted-string may not hold a double quote or a line break (RFC 8216 4.2).
bool quotable(const std::string& s) {
  return s.find_first_of("\"\r\n") == std::string::npos;
}

// A URI line must be one line and must not look like a tag or comment.
bool valid_uri_line(const std::string& s) {
  return !s.empty() && s.front() != '#' && s.find_first_of("\r\n") == std::string::npos;
}

const AudioRendition* find_group(const MasterPlaylist& p, const std::string& group_id) {
  for (const auto& a : p.audio) {
    if (a.group_id == group_id) {
      return &a;
    }
  }
  return nullptr;
}

Status append_media(std::string& out, const AudioRendition& a) {
  if (a.group_id.empty() || a.name.empty() || !quotable(a.group_id) || !quotable(a.name) ||
      !quotable(a.language) || !quotable(a.uri) || !quotable(a.codec)) {
    return invalid("audio rendition needs a quotable GROUP-ID and NAME");
  }
  out += "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"" + a.group_id + "\",NAME=\"" + a.name + "\"";
  if (!a.language.empty()) {
    out += ",LANGUAGE=\"" + a.language + "\"";
  }
  out += std::string(",DEFAULT=") + (a.is_default ? "YES" : "NO");
  out += std::string(",AUTOSELECT=") + (a.is_default || a.autoselect ? "YES" : "NO");
  if (a.channels > 0) {
    out += ",CHANNELS=\"" + std::to_string(a.channels) + "\"";
  }
  if (!a.uri.empty()) {
    out += ",URI=\"" + a.uri + "\"";
  }
  out += "\n";
  return {};
}

Status append_variant(std::string& out, const MasterPlaylist& p, const VariantStream& v) {
  if (v.bandwidth <= 0) {
    return invalid("variant " + v.uri + " needs a positive BANDWIDTH");
  }
  if (!valid_uri_line(v.uri) || !quotable(v.video_codec) || !quotable(v.audio_group)) {
    return invalid("variant has an unusable URI, codec or audio group");
  }
  std::string codecs = v.video_codec;
  const AudioRendition* audio = nullptr;
  if (!v.audio_group.empty()) {
    audio = find_group(p, v.audio_group);
    if (audio == nullptr) {
      return invalid("variant " + v.uri + " names unknown audio group " + v.audio_group);
    }
    if (!audio->codec.empty()) {
      codecs += (codecs.empty() ? "" : ",") + audio->codec;
    }
  }
  out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(v.bandwidth);
  if (v.average_bandwidth > 0) {
    out += ",AVERAGE-BANDWIDTH=" + std::to_string(v.average_bandwidth);
  }
  if (!codecs.empty()) {
    out += ",CODECS=\"" + codecs + "\"";
  }
  if (v.width > 0 && v.height > 0) {
    out += ",RESOLUTION=" + std::to_string(v.width) + "x" + std::to_string(v.height);
  }
  // Always finite and sane: an infinite or absurd rate (a hostile onMetaData,
  // a rate measured over a microsecond) is left out, as an unknown one is.
  if (double fps = media::sane_frame_rate(v.frame_rate); fps > 0) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%.3f", fps);
    out += std::string(",FRAME-RATE=") + buf.data();
  }
  if (audio != nullptr) {
    out += ",AUDIO=\"" + v.audio_group + "\"";
  }
  out += "\n" + v.uri + "\n";
  return {};
}

}  // namespace

Result<std::string> write_master_playlist(const MasterPlaylist& playlist) {
  if (playlist.variants.empty()) {
    return invalid("no variants");
  }
  std::string out = "#EXTM3U\n#EXT-X-VERSION:" + std::to_string(playlist.version) + "\n";
  if (playlist.independent_segments) {
    out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
  }
  for (const auto& a : playlist.audio) {
    if (Status s = append_media(out, a); !s.ok()) {
      return s.error();
    }
  }
  for (const auto& v : playlist.variants) {
    if (Status s = append_variant(out, playlist, v); !s.ok()) {
      return s.error();
    }
  }
  return out;
}

}  // namespace antcdn::format::hls
