// Fuzzes the m3u8 line and attribute-list parser, and the LL-HLS readers the
// edge runs over playlist text (live edge, delivery, delta update).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/hls/live_edge.h"
#include "format/hls/m3u8_parser.h"

using namespace antcdn::format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto lines = hls::parse_m3u8(text);
  if (lines.ok()) {
    for (const auto& line : *lines) {
      if (line.kind == hls::M3u8Line::Kind::Tag) {
        (void)hls::parse_attribute_list(line.value);
      }
    }
  }
  (void)hls::parse_attribute_list(text);
  if (auto edge = hls::read_live_edge(text); edge.ok()) {
    (void)hls::delivery(*edge, hls::PartWanted{.msn = edge->next_msn, .part = edge->parts});
  }
  (void)hls::delta_update(text);
  return 0;
}
