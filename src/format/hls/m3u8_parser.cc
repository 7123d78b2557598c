#include "format/hls/m3u8_parser.h"

#include <cmath>

#include "common/parse_number.h"

namespace antcdn::format::hls {
namespace {

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "m3u8: " + what);
}

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

Result<std::vector<M3u8Line>> parse_m3u8(std::string_view text) {
  std::vector<M3u8Line> lines;
  bool first = true;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (first) {
      if (line != "#EXTM3U") {
        return invalid("first line is not #EXTM3U");
      }
      first = false;
      continue;
    }
    if (line.empty()) {
      continue;
    }
    M3u8Line out;
    if (line.starts_with("#EXT")) {
      out.kind = M3u8Line::Kind::Tag;
      size_t colon = line.find(':');
      out.name =
          std::string(line.substr(1, colon == std::string_view::npos ? line.npos : colon - 1));
      if (colon != std::string_view::npos) {
        out.value = std::string(line.substr(colon + 1));
      }
    } else if (line.front() == '#') {
      out.kind = M3u8Line::Kind::Comment;
      out.value = std::string(line.substr(1));
    } else {
      out.kind = M3u8Line::Kind::Uri;
      out.value = std::string(line);
    }
    if (out.value.find('\r') != std::string::npos) {
      return invalid("stray carriage return on line " + std::to_string(line_no));
    }
    lines.push_back(std::move(out));
  }
  if (first) {
    return invalid("empty playlist");
  }
  return lines;
}

Result<AttributeList> parse_attribute_list(std::string_view text) {
  AttributeList attributes;
  size_t i = 0;
  while (i < text.size()) {
    size_t name_start = i;
    while (i < text.size() && is_name_char(text[i])) {
      ++i;
    }
    if (i == name_start || i >= text.size() || text[i] != '=') {
      return invalid("bad attribute name at column " + std::to_string(name_start));
    }
    std::string name(text.substr(name_start, i - name_start));
    ++i;  // '='
    std::string value;
    if (i < text.size() && text[i] == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) {
        return invalid("unterminated quoted string for " + name);
      }
      value = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t end = text.find(',', i);
      end = end == std::string_view::npos ? text.size() : end;
      value = std::string(text.substr(i, end - i));
      if (value.empty()) {
        return invalid("empty value for " + name);
      }
      i = end;
    }
    attributes.emplace_back(std::move(name), std::move(value));
    if (i < text.size()) {
      if (text[i] != ',' || i + 1 == text.size()) {
        return invalid("expected ',' between attributes");
      }
      ++i;
    }
  }
  return attributes;
}

const std::string* find_attribute(const AttributeList& attributes, std::string_view name) {
  for (const auto& [key, value] : attributes) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

std::optional<double> extinf_duration(std::string_view value) {
  auto d = parse_number<double>(value.substr(0, value.find(',')));
  if (!d || !std::isfinite(*d) || *d < 0) {
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> map_uri(std::string_view attributes) {
  auto list = parse_attribute_list(attributes);
  const std::string* uri = list.ok() ? find_attribute(*list, "URI") : nullptr;
  if (uri == nullptr || uri->empty()) {
    return std::nullopt;
  }
  return *uri;
}

}  // namespace antcdn::format::hls
