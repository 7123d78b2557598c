#include "transcode/ladder.h"

#include <cmath>

namespace antcdn::transcode {
namespace {

struct Rung {
  int height;
  int kbps;
};

// Bitrates for 30 fps H.264 High at x264 "veryfast"; maxrate ~1.07x, VBV 1.5x.
constexpr Rung k1080{1080, 5000};
constexpr Rung k720{720, 3000};
constexpr Rung k480{480, 1400};
constexpr Rung k360{360, 800};

int even(double v) {
  return std::max(2, static_cast<int>(std::lround(v / 2.0)) * 2);
}

Rendition make(int height, int kbps, int src_w, int src_h) {
  int width = even(static_cast<double>(height) * src_w / src_h);
  return Rendition{.name = std::to_string(height) + "p",
                   .width = width,
                   .height = height,
                   .bitrate_kbps = kbps,
                   .maxrate_kbps = kbps * 107 / 100,
                   .bufsize_kbps = kbps * 3 / 2};
}

void set_scale_sources(std::vector<Rendition>& ladder, int source_height) {
  for (size_t i = 0; i < ladder.size(); ++i) {
    Rendition& r = ladder[i];
    r.scale_from = -1;
    for (size_t j = i; j-- > 0;) {
      // A rung at the source's height is the source picture itself.
      if (2 * ladder[j].height >= 3 * r.height && ladder[j].height < source_height) {
        r.scale_from = static_cast<int>(j);
        break;
      }
    }
  }
}

}  // namespace

std::vector<Rendition> ladder_for(media::Quality quality, int source_width, int source_height) {
  std::vector<Rung> rungs;
  switch (quality) {
    case media::Quality::Standard:
      rungs = {k720, k480, k360};
      break;
    case media::Quality::High:
      rungs = {k1080, k720, k480};
      break;
    case media::Quality::Passthrough:
      return {};
  }
  if (source_width <= 0 || source_height <= 0) {
    return {};
  }
  std::vector<Rendition> out;
  for (const Rung& r : rungs) {
    if (r.height <= source_height) {
      out.push_back(make(r.height, r.kbps, source_width, source_height));
    }
  }
  if (out.empty()) {
    // Smaller than the smallest rung: one rendition at the source's own size,
    // with the smallest rung's bitrate scaled by area.
    const Rung& low = rungs.back();
    int h = source_height - source_height % 2;
    double area = static_cast<double>(h) / low.height;
    out.push_back(make(h, std::max(200, static_cast<int>(low.kbps * area * area)), source_width,
                       source_height));
  }
  set_scale_sources(out, source_height);
  return out;
}

}  // namespace antcdn::transcode
