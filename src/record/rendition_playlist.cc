#include "record/rendition_playlist.h"

#include <algorithm>
#include <map>
#include <optional>

#include "common/parse_number.h"
#include "format/hls/m3u8_parser.h"

namespace antcdn::record {
namespace {

constexpr std::string_view kBytesComment = "ANTCDN-BYTES:";
constexpr std::string_view kEndList = "#EXT-X-ENDLIST\n";
constexpr std::string_view kInitPrefix = "init-";

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "recorded playlist: " + what);
}

void add_bytes_line(std::string& out, const std::string& file, size_t bytes) {
  out.append("#").append(kBytesComment).append(std::to_string(bytes)).append(",");
  out.append(file).append("\n");
}

// Reads the lines back into a rendition, one at a time.
class RenditionReader {
 public:
  RenditionReader(std::string name, media::MediaKind kind) {
    out_.name = std::move(name);
    out_.kind = kind;
  }

  Status line(const format::hls::M3u8Line& line) {
    using Kind = format::hls::M3u8Line::Kind;
    if (ended_) {
      return invalid("text after EXT-X-ENDLIST");
    }
    if (line.kind == Kind::Uri) {
      if (!duration_) {
        return invalid("segment " + line.value + " has no EXTINF");
      }
      out_.segments.push_back(RecordedSegment{.uri = line.value,
                                              .init_uri = map_,
                                              .duration_s = *duration_,
                                              .discontinuity_before = discontinuity_});
      duration_.reset();
      discontinuity_ = false;
      return {};
    }
    if (line.kind == Kind::Comment) {
      return line.value.starts_with(kBytesComment) ? bytes(line.value.substr(kBytesComment.size()))
                                                   : Status{};
    }
    return tag(line.name, line.value);
  }

  Result<RecordedRendition> finish() && {
    if (!ended_) {
      return invalid("no EXT-X-ENDLIST (truncated?)");
    }
    for (auto& seg : out_.segments) {
      auto it = sizes_.find(seg.uri);
      if (it == sizes_.end()) {
        return invalid("no size for segment " + seg.uri);
      }
      seg.bytes = it->second;
    }
    return std::move(out_);
  }

 private:
  Status tag(const std::string& name, const std::string& value) {
    if (name == "EXTINF") {
      duration_ = format::hls::extinf_duration(value);
      if (!duration_) {
        return invalid("bad EXTINF '" + value + "'");
      }
    } else if (name == "EXT-X-DISCONTINUITY") {
      discontinuity_ = true;
    } else if (name == "EXT-X-MAP") {
      auto uri = format::hls::map_uri(value);
      if (!uri) {
        return invalid("EXT-X-MAP without a URI");
      }
      map_ = std::move(*uri);
    } else if (name == "EXT-X-ENDLIST") {
      ended_ = true;
    }
    return {};  // the header's tags: the writer's constants
  }

  // "{bytes},{file}"
  Status bytes(std::string_view text) {
    size_t comma = text.find(',');
    auto n = comma == std::string_view::npos ? std::nullopt
                                             : parse_number<size_t>(text.substr(0, comma));
    if (!n || comma + 1 == text.size()) {
      return invalid("bad size line '" + std::string(text) + "'");
    }
    std::string file(text.substr(comma + 1));
    if (file.starts_with(kInitPrefix)) {
      out_.inits.emplace_back(std::move(file), *n);
    } else {
      sizes_[std::move(file)] = *n;
    }
    return {};
  }

  RecordedRendition out_;
  std::map<std::string, size_t> sizes_;
  std::optional<double> duration_;
  bool discontinuity_ = false;
  std::string map_;
  bool ended_ = false;
};

}  // namespace

Result<std::string> rendition_playlist(const RecordedRendition& r) {
  auto text = vod_playlist(r.segments);
  if (!text.ok()) {
    return text;
  }
  if (!text->ends_with(kEndList)) {
    return make_error(Code::Internal, "recorded playlist: the VOD playlist has no ENDLIST");
  }
  text->resize(text->size() - kEndList.size());
  for (const auto& [file, bytes] : r.inits) {
    add_bytes_line(*text, file, bytes);
  }
  for (const auto& seg : r.segments) {
    add_bytes_line(*text, seg.uri, seg.bytes);
  }
  text->append(kEndList);
  return text;
}

Result<RecordedRendition> parse_rendition_playlist(std::string_view m3u8, std::string name,
                                                   media::MediaKind kind) {
  // Our writer ends every line; a missing last line break means a cut-off object.
  if (!m3u8.ends_with('\n')) {
    return invalid("does not end with a line break (truncated?)");
  }
  auto lines = format::hls::parse_m3u8(m3u8);
  if (!lines.ok()) {
    return lines.error().with_context("recorded playlist");
  }
  RenditionReader reader(std::move(name), kind);
  for (const auto& line : *lines) {
    if (Status s = reader.line(line); !s.ok()) {
      return s.error();
    }
  }
  return std::move(reader).finish();
}

bool lists_segment(const RecordedRendition& r, std::string_view uri) {
  return std::any_of(r.segments.begin(), r.segments.end(),
                     [&](const RecordedSegment& s) { return s.uri == uri; });
}

}  // namespace antcdn::record
