#pragma once

// A minimal m3u8 reader: splits a playlist into tag, URI and comment lines and
// parses attribute lists. It checks syntax, not HLS semantics; tests use it to
// read back what the writers produce.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace antcdn::format::hls {

struct M3u8Line {
  enum class Kind { Tag, Uri, Comment };
  Kind kind = Kind::Tag;
  std::string name;   // tag name without '#', e.g. "EXT-X-VERSION"; empty for URIs
  std::string value;  // text after the first ':' for tags, the URI, or the comment
};

using AttributeList = std::vector<std::pair<std::string, std::string>>;

// Parses a playlist. The first line must be #EXTM3U; blank lines are
// dropped; CRLF line ends are accepted.
Result<std::vector<M3u8Line>> parse_m3u8(std::string_view text);

// Parses NAME=VALUE pairs separated by commas. Quoted values are returned
// without their quotes; names must be [A-Z0-9-]+.
Result<AttributeList> parse_attribute_list(std::string_view text);

// Value of `name` in `attributes`, or nullptr.
const std::string* find_attribute(const AttributeList& attributes, std::string_view name);

// The duration of an EXTINF tag's value ("2.000," or "2.000,title"): finite,
// not negative; nullopt otherwise.
std::optional<double> extinf_duration(std::string_view value);
// The URI of an EXT-X-MAP tag's attribute list; nullopt when it names none.
std::optional<std::string> map_uri(std::string_view attributes);

}  // namespace antcdn::format::hls
