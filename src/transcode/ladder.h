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
  // The picture this rung is scaled from: the index of a larger rung of the
  // same ladder, or -1 for the decoded source (see ladder_for).
  int scale_from = -1;
};

// Renditions for `quality` over a source of the given size, largest first.
// Never upscales: rungs taller than the source are dropped, and a source
// smaller than every rung gets one rendition at its own size. Widths keep the
// source's aspect ratio and are even. Passthrough has no video renditions.
// Scaling cascades: a rung is scaled from the smallest larger rung at least
// 1.5x its height (not the source itself), else from the source. From 720p
// rather than a 1080p source the scaler reads 2.25x fewer pixels; at steps of
// 1.5x or more the picture stays within 56-61 dB PSNR of a direct bicubic
// scale (after encoding: -0.5 dB at worst on pixel-sharp synthetic pictures,
// under 0.1 dB on softer ones), while smaller steps (480p -> 360p) drift
// further for little gain (docs/transcoding.md).
std::vector<Rendition> ladder_for(media::Quality quality, int source_width, int source_height);

}  // namespace antcdn::transcode
