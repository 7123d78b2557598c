#include "package/playlist_closer.h"

#include <vector>

namespace antcdn::package {
namespace {

constexpr std::string_view kEndList = "#EXT-X-ENDLIST";

// Media playlist URIs in a master: plain lines and URI="..." attributes.
std::vector<std::string> media_playlists(std::string_view master) {
  std::vector<std::string> out;
  while (!master.empty()) {
    auto nl = master.find('\n');
    std::string_view line = master.substr(0, nl);
    master = nl == std::string_view::npos ? std::string_view() : master.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!line.empty() && line.front() != '#') {
      out.emplace_back(line);
    } else if (auto at = line.find("URI=\""); at != std::string_view::npos) {
      auto end = line.find('"', at + 5);
      if (end != std::string_view::npos) {
        out.emplace_back(line.substr(at + 5, end - at - 5));
      }
    }
  }
  return out;
}

}  // namespace

Status close_playlists(storage::ObjectStore& objects, const std::string& edge_id) {
  auto master = objects.get(edge_id + "/master.m3u8");
  if (!master.ok()) {
    return master.error().code == Code::NotFound ? Status{} : Status{master.error()};
  }
  for (const auto& uri : media_playlists(as_chars((*master)->data))) {
    std::string key = edge_id + "/" + uri;
    if (!storage::is_valid_key(key)) {
      continue;
    }
    auto playlist = objects.get(key);
    if (!playlist.ok()) {
      continue;
    }
    std::string text(as_chars((*playlist)->data));
    if (text.find(kEndList) != std::string::npos) {
      continue;
    }
    if (!text.empty() && text.back() != '\n') {
      text.push_back('\n');
    }
    text += std::string(kEndList) + "\n";
    if (auto s = objects.put(key, storage::make_object(to_bytes(text), (*playlist)->options));
        !s.ok()) {
      return s;
    }
  }
  return {};
}

}  // namespace antcdn::package
