// What a thumbnail costs (thumbnail/keyframe_renderer.cc, run on the
// `thumbnails` pool): one segment's keyframe decoded, scaled and encoded as a
// JPEG, over and over, at the source width and at 320 px. Prints one JSON
// line per width with the CPU milliseconds per render and what that is, as a
// share of one core, for a stream whose thumbnail is asked for continuously
// (the edge renders at most once per 2 s per stream and width).
//
//   thumbnail_bench                      a synthetic 1280x720 keyframe
//   thumbnail_bench INIT.mp4 SEG.m4s     a real segment, e.g. from a data dir

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "flv_feed.h"
#include "support/keyframe_clip.h"
#include "thumbnail/keyframe_renderer.h"
#include "transcode/transcoder.h"

using namespace antcdn;

namespace {

constexpr int kRenders = 50;
constexpr double kCacheSeconds = 2.0;

Bytes read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return to_bytes(data);
}

}  // namespace

int main(int argc, char** argv) {
  transcode::quiet_ffmpeg_logs();  // as the server runs
  test::KeyframeClip clip;
  if (argc == 3) {
    clip = {read_file(argv[1]), read_file(argv[2])};
  } else if (argc == 1) {
    clip = test::make_keyframe_clip(1280, 720, 4500);
  } else {
    std::fprintf(stderr, "usage: %s [INIT.mp4 SEGMENT.m4s]\n", argv[0]);
    return 2;
  }
  for (int width : {0, 320}) {
    auto first = thumbnail::render_keyframe_jpeg(clip.init, clip.segment, width);  // warm-up
    if (!first.ok()) {
      std::fprintf(stderr, "%s\n", first.error().describe().c_str());
      return 1;
    }
    double cpu0 = bench::cpu_seconds();
    for (int i = 0; i < kRenders; ++i) {
      (void)thumbnail::render_keyframe_jpeg(clip.init, clip.segment, width);
    }
    double ms = (bench::cpu_seconds() - cpu0) * 1000 / kRenders;
    std::printf(
        "{\"width\":\"%s\",\"segment_bytes\":%zu,\"jpeg_bytes\":%zu,\"cpu_ms_per_render\":%.2f,"
        "\"core_percent_per_stream_at_one_render_per_2s\":%.2f}\n",
        width == 0 ? "source" : std::to_string(width).c_str(), clip.segment.size(), first->size(),
        ms, ms / (kCacheSeconds * 1000) * 100);
  }
  return 0;
}
