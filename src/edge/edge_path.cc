#include "edge/edge_path.h"

#include <charconv>
#include <cstdint>
#include <vector>

#include "common/ids.h"

namespace antcdn::edge {
namespace {

constexpr std::string_view kLivePrefix = "/live/";
constexpr std::string_view kVodPrefix = "/vod/";
constexpr size_t kMaxRenditionChars = 32;
constexpr size_t kMaxSessionChars = 64;
constexpr size_t kMaxSeqDigits = 20;
constexpr size_t kMaxPartDigits = 4;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_rendition(std::string_view s) {
  if (s.empty() || s.size() > kMaxRenditionChars) {
    return false;
  }
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

bool is_session(std::string_view s) {
  if (s.empty() || s.size() > kMaxSessionChars) {
    return false;
  }
  for (char c : s) {
    if (!is_lower_alnum(c) && !(c >= 'A' && c <= 'Z') && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

bool is_digits(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// "init-{session}.mp4": sets out.session.
bool parse_init_name(std::string_view name, MediaFileName& out) {
  constexpr std::string_view kHead = "init-";
  constexpr std::string_view kTail = ".mp4";
  if (!name.starts_with(kHead) || !name.ends_with(kTail)) {
    return false;
  }
  name.remove_prefix(kHead.size());
  name.remove_suffix(kTail.size());
  if (!is_session(name)) {
    return false;
  }
  out.session = std::string(name);
  return true;
}

// "{session}-{seq}.m4s", or "{session}-{seq}.{part}.m4s" for a part; the
// session may itself contain '-', the last one splits. Sets out.resource,
// out.session, out.seq and out.part.
bool parse_segment_name(std::string_view name, MediaFileName& out) {
  constexpr std::string_view kTail = ".m4s";
  if (!name.ends_with(kTail)) {
    return false;
  }
  name.remove_suffix(kTail.size());
  out.resource = EdgeResource::MediaSegment;
  if (size_t dot = name.rfind('.'); dot != std::string_view::npos) {
    std::string_view part = name.substr(dot + 1);
    if (!is_digits(part, kMaxPartDigits)) {
      return false;
    }
    std::from_chars(part.data(), part.data() + part.size(), out.part);
    out.resource = EdgeResource::Part;
    name = name.substr(0, dot);
  }
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || !is_session(name.substr(0, dash)) ||
      !is_digits(name.substr(dash + 1), kMaxSeqDigits)) {
    return false;
  }
  std::string_view digits = name.substr(dash + 1);
  out.session = std::string(name.substr(0, dash));
  if (std::from_chars(digits.data(), digits.data() + digits.size(), out.seq).ec != std::errc{}) {
    out.seq = UINT64_MAX;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t slash = s.find('/', pos);
    parts.push_back(s.substr(pos, slash - pos));
    if (slash == std::string_view::npos) {
      return parts;
    }
    pos = slash + 1;
  }
}

}  // namespace

std::optional<MediaFileName> parse_media_file_name(std::string_view name) {
  MediaFileName out;
  if (parse_init_name(name, out)) {
    out.resource = EdgeResource::InitSection;
    return out;
  }
  if (parse_segment_name(name, out)) {
    return out;
  }
  return std::nullopt;
}

namespace {

// "{rendition}/index.m3u8", "{rendition}/init-….mp4" or "{rendition}/….m4s"
// (the two parts after the stream's or the recording's id) into `out`.
bool parse_rendition_file(std::string_view rendition, std::string_view file, EdgePath& out) {
  if (!is_rendition(rendition)) {
    return false;
  }
  out.rendition = std::string(rendition);
  if (file == "index.m3u8") {
    out.resource = EdgeResource::MediaPlaylist;
    return true;
  }
  auto media = parse_media_file_name(file);
  if (!media) {
    return false;
  }
  out.resource = media->resource;
  out.session = std::move(media->session);
  out.seq = media->seq;
  return true;
}

// /vod/{edgeId}/{recordingId}/…: the key is "recordings/{recordingId}/…".
std::optional<EdgePath> parse_vod_path(std::string_view path) {
  std::vector<std::string_view> parts = split(path.substr(kVodPrefix.size()));
  if (parts.size() < 3 || parts.size() > 4 || !ids::is_edge_id(parts[0]) ||
      !ids::is_recording_id(parts[1])) {
    return std::nullopt;
  }
  EdgePath out;
  out.edge_id = std::string(parts[0]);
  out.recording_id = std::string(parts[1]);
  if (parts.size() == 3) {
    if (parts[2] == "master.m3u8") {
      out.resource = EdgeResource::MasterPlaylist;
    } else if (parts[2] == "download.mp4") {
      out.resource = EdgeResource::VodDownload;
    } else if (parts[2] == "thumbnail.jpg") {
      out.resource = EdgeResource::VodThumbnail;
      return out;
    } else {
      return std::nullopt;
    }
  } else if (!parse_rendition_file(parts[2], parts[3], out)) {
    return std::nullopt;
  }
  // Below the recording id, the path is the key's, which the checks proved safe.
  out.object_key =
      "recordings/" + std::string(path.substr(kVodPrefix.size() + parts[0].size() + 1));
  return out;
}

}  // namespace

std::optional<EdgePath> parse_edge_path(std::string_view path) {
  if (path.starts_with(kVodPrefix)) {
    return parse_vod_path(path);
  }
  if (!path.starts_with(kLivePrefix)) {
    return std::nullopt;
  }
  // Empty parts ("//", trailing '/') fail every check below.
  std::vector<std::string_view> parts = split(path.substr(kLivePrefix.size()));
  if (parts.size() < 2 || parts.size() > 3 || !ids::is_edge_id(parts[0])) {
    return std::nullopt;
  }
  EdgePath out;
  out.edge_id = std::string(parts[0]);
  if (parts.size() == 2) {
    if (parts[1] == "master.m3u8") {
      out.resource = EdgeResource::MasterPlaylist;
    } else if (parts[1] == "status.json") {
      out.resource = EdgeResource::Status;
      return out;
    } else if (parts[1] == "thumbnail.jpg") {
      out.resource = EdgeResource::Thumbnail;
      out.object_key = out.edge_id + "/master.m3u8";
      return out;
    } else {
      return std::nullopt;
    }
  } else {
    std::string_view file = parts[2];
    if (!is_rendition(parts[1])) {
      return std::nullopt;
    }
    out.rendition = std::string(parts[1]);
    if (file == "index.m3u8") {
      out.resource = EdgeResource::MediaPlaylist;
    } else if (auto media = parse_media_file_name(file)) {
      out.resource = media->resource;
      out.session = std::move(media->session);
      out.seq = media->seq;
      out.part = media->part;
    } else {
      return std::nullopt;
    }
  }
  // The key is the path below /live/, which the checks above proved is safe.
  out.object_key = std::string(path.substr(kLivePrefix.size()));
  return out;
}

}  // namespace antcdn::edge
