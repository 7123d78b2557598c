// Fuzzes the edge's URL parser and the live-window reader: the first line of
// the input is a request path, the rest a rendition playlist the edge would
// hold. Checks that whatever the parser accepts names a key under its own
// stream's prefix.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "edge/edge_path.h"
#include "edge/live_window.h"

using namespace antcdn::edge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view path = input.substr(0, newline);
  std::string_view playlist = newline == std::string_view::npos ? "" : input.substr(newline + 1);

  auto parsed = parse_edge_path(path);
  if (parsed && !parsed->object_key.empty()) {
    if (!parsed->object_key.starts_with(parsed->edge_id + "/") ||
        parsed->object_key.find("..") != std::string::npos) {
      std::abort();  // a key outside the stream's prefix
    }
  }
  (void)parse_media_file_name(path);
  auto window = LiveWindow::parse(playlist);
  if (window.ok() && parsed) {
    (void)window->may_have_init(parsed->session);
    (void)window->may_have_segment(parsed->session, parsed->seq);
  }
  return 0;
}
