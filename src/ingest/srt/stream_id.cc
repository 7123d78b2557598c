#include "ingest/srt/stream_id.h"

namespace antcdn::ingest::srt {
namespace {

constexpr std::string_view kAccessControlPrefix = "#!::";

}  // namespace

Result<std::string> stream_key_from_stream_id(std::string_view stream_id) {
  if (!stream_id.starts_with(kAccessControlPrefix)) {
    if (stream_id.empty()) {
      return make_error(Code::InvalidArgument, "no streamid: set it to the stream key");
    }
    return std::string(stream_id);
  }
  std::string_view rest = stream_id.substr(kAccessControlPrefix.size());
  std::string key;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    std::string_view name = pair.substr(0, eq);
    std::string_view value = pair.substr(eq + 1);
    if (name == "r") {
      key = value;
    } else if (name == "m" && value != "publish") {
      return make_error(Code::InvalidArgument,
                        "streamid mode '" + std::string(value) + "': only m=publish is served");
    }
  }
  if (key.empty()) {
    return make_error(Code::InvalidArgument, "streamid #!:: without r=STREAM_KEY");
  }
  return key;
}

}  // namespace antcdn::ingest::srt
