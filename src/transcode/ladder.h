#pragma once

// The ABR ladders (pure). See docs/transcoding.md for the table and why.

#include <string>
#include <vector>

#include "media/quality.h"

namespace antcdn::transcode {

struct Rendition {
  std::string name;  // "720p"
  int width = 0;
  int height = 0;
  int bitrate_kbps = 0;
  int maxrate_kbps = 0;
  int bufsize_kbps = 0;
};

// Renditions for `quality` over a source of the given size, largest first.
// Never upscales: rungs taller than the source are dropped, and a source
// smaller than every rung gets one rendition at its own size. Widths keep the
// source's aspect ratio and are even. Passthrough has no video renditions.
std::vector<Rendition> ladder_for(media::Quality quality, int source_width, int source_height);

}  // namespace antcdn::transcode
