#pragma once

// Parses ISO BMFF box headers recursively, descending into the container
// boxes our writers produce. Tests check the writers' structure with it, the
// thumbnail reader (keyframe_reader.h) finds a segment's first keyframe with
// it. Never reads past the given span.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::fmp4 {

struct Box {
  std::string type;     // four characters
  uint64_t offset = 0;  // of the box header, from the start of the walked span
  uint64_t size = 0;    // header included
  size_t header_size = 8;
  ByteSpan payload;  // bytes after the header; a FullBox's version and flags included
  std::vector<Box> children;

  // First descendant along a '/'-separated path of types, e.g.
  // "trak/mdia/minf/stbl/stsd/avc1/avcC"; nullptr if absent.
  const Box* find(std::string_view path) const;
};

// Walks the boxes in `data`. A box whose size runs past its parent, or that
// is smaller than its header, is an error; size 0 ("to the end") and 64-bit
// sizes are supported. Nesting deeper than a small fixed limit is an error.
Result<std::vector<Box>> walk_boxes(ByteSpan data);

// Box at a '/'-separated path from the top level ("moov/mvex/trex"), or nullptr.
const Box* find_box(const std::vector<Box>& boxes, std::string_view path);

}  // namespace antcdn::format::fmp4
