#include "package/stored_session.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "format/hls/m3u8_parser.h"

namespace antcdn::package {
namespace {

using format::hls::M3u8Line;

constexpr std::string_view kPlaylistFile = "/index.m3u8";

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "stored master: " + what);
}

// 720 for "720p"; 0 for any other name.
int height_of(std::string_view name) {
  if (name.size() < 2 || name.back() != 'p') {
    return 0;
  }
  const char* last = name.data() + name.size() - 1;
  int height = 0;
  auto [end, ec] = std::from_chars(name.data(), last, height);
  return ec == std::errc{} && end == last && height > 0 ? height : 0;
}

// "720p" for "720p/index.m3u8" when the packager could have named a rendition
// of `kind` so; nullopt otherwise.
std::optional<std::string> rendition_name(std::string_view uri, media::MediaKind kind) {
  if (!uri.ends_with(kPlaylistFile)) {
    return std::nullopt;
  }
  std::string_view name = uri.substr(0, uri.size() - kPlaylistFile.size());
  bool known =
      kind == media::MediaKind::Audio ? name == "audio" : name == "source" || height_of(name) > 0;
  return known ? std::optional<std::string>(name) : std::nullopt;
}

Status add_audio(const std::string& media_attributes, std::vector<RenditionRef>& audio) {
  auto attributes = format::hls::parse_attribute_list(media_attributes);
  if (!attributes.ok()) {
    return attributes.error().with_context("stored master");
  }
  const std::string* type = format::hls::find_attribute(*attributes, "TYPE");
  if (type == nullptr || *type != "AUDIO") {
    return {};
  }
  const std::string* uri = format::hls::find_attribute(*attributes, "URI");
  auto name = uri != nullptr ? rendition_name(*uri, media::MediaKind::Audio) : std::nullopt;
  if (!name) {
    return invalid("unknown audio rendition " + (uri != nullptr ? *uri : "without a URI"));
  }
  audio.push_back(RenditionRef{.name = *name, .kind = media::MediaKind::Audio});
  return {};
}

// Puts video in the packager's matching order and checks that the set is one
// the packager could have made.
Status order(std::vector<RenditionRef>& video, const std::vector<RenditionRef>& audio) {
  if (video.empty()) {
    return invalid("no video variants");
  }
  std::stable_sort(video.begin(), video.end(), [](const auto& a, const auto& b) {
    return height_of(a.name) > height_of(b.name);
  });
  for (size_t i = 1; i < video.size(); ++i) {
    if (video[i].name == "source" || video[i].name == video[i - 1].name) {
      return invalid("variants " + video[i - 1].name + " and " + video[i].name +
                     " cannot be in one session");
    }
  }
  if (audio.size() > 1) {
    return invalid("more than one audio rendition");
  }
  return {};
}

}  // namespace

Result<std::vector<RenditionRef>> parse_stored_master(std::string_view m3u8) {
  // Our writer ends every line; a missing last line break means a cut-off object.
  if (!m3u8.ends_with('\n')) {
    return invalid("does not end with a line break (truncated?)");
  }
  auto lines = format::hls::parse_m3u8(m3u8);
  if (!lines.ok()) {
    return lines.error().with_context("stored master");
  }
  std::vector<RenditionRef> video;
  std::vector<RenditionRef> audio;
  bool variant_next = false;  // an EXT-X-STREAM-INF waits for its URI line
  for (const M3u8Line& line : *lines) {
    if (line.kind == M3u8Line::Kind::Uri) {
      auto name = rendition_name(line.value, media::MediaKind::Video);
      if (!variant_next || !name) {
        return invalid("unexpected URI line " + line.value);
      }
      video.push_back(RenditionRef{.name = *name, .kind = media::MediaKind::Video});
      variant_next = false;
    } else if (line.kind == M3u8Line::Kind::Tag) {
      if (variant_next) {
        return invalid("EXT-X-STREAM-INF without its URI");
      }
      variant_next = line.name == "EXT-X-STREAM-INF";
      if (line.name == "EXT-X-MEDIA") {
        if (Status s = add_audio(line.value, audio); !s.ok()) {
          return s.error();
        }
      }
    }
  }
  if (variant_next) {
    return invalid("EXT-X-STREAM-INF without its URI");
  }
  if (Status s = order(video, audio); !s.ok()) {
    return s.error();
  }
  video.insert(video.end(), audio.begin(), audio.end());
  return video;
}

Result<std::vector<StoredRendition>> load_stored_session(storage::ObjectStore& objects,
                                                         const std::string& edge_id,
                                                         size_t window_segments) {
  std::string where = "stored session " + edge_id;
  auto master = objects.get(edge_id + "/master.m3u8");
  if (!master.ok()) {
    return master.error().with_context(where);
  }
  auto refs = parse_stored_master(as_chars((*master)->data));
  if (!refs.ok()) {
    return refs.error().with_context(where);
  }
  std::vector<StoredRendition> out;
  for (auto& ref : *refs) {
    auto text = objects.get(edge_id + "/" + ref.name + std::string(kPlaylistFile));
    if (!text.ok()) {
      // Only a missing master means "nothing to continue"; this is a broken session.
      Error e = text.error().code == Code::NotFound
                    ? invalid("the master names " + ref.name + " but its playlist is missing")
                    : text.error();
      return e.with_context(where);
    }
    auto playlist = PlaylistState::restore(as_chars((*text)->data), window_segments);
    if (!playlist.ok()) {
      return playlist.error().with_context(where + ": " + ref.name);
    }
    out.push_back(StoredRendition{
        .name = std::move(ref.name), .kind = ref.kind, .playlist = std::move(*playlist)});
  }
  return out;
}

}  // namespace antcdn::package
