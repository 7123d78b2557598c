// What converting audio to AAC costs (transcode/audio_converter.cc, which runs
// on the thread that feeds the pipeline, the ingest loop for RTMP): one FLV
// file's tags through FlvDemuxer and AudioConverter into a sink that drops
// them, as fast as it goes. Prints media seconds, CPU seconds and microseconds
// per output AAC frame as one JSON line.
//
//   audio_convert_bench SOURCE.flv     (e.g. an MP3 44.1 kHz source, see bench/README.md)

#include <cstdio>

#include "flv_feed.h"
#include "transcode/audio_converter.h"

using namespace antcdn;

namespace {

struct CountingSink final : media::AccessUnitSink {
  int audio_track = -1;
  uint64_t audio_frames = 0;
  void on_tracks(const std::vector<media::TrackInfo>& tracks) override {
    for (const auto& t : tracks) {
      if (t.kind == media::MediaKind::Audio) {
        audio_track = t.id;
      }
    }
  }
  void on_access_unit(media::AccessUnit&& unit) override {
    audio_frames += unit.track_id == audio_track ? 1 : 0;
  }
  void on_end(media::EndReason /*reason*/) override {}
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SOURCE.flv\n", argv[0]);
    return 2;
  }
  auto sink = std::make_shared<CountingSink>();
  transcode::AudioConverter converter({.stream_label = "bench"}, sink);
  ingest::rtmp::FlvDemuxer demuxer(converter);
  double cpu0 = bench::cpu_seconds();
  auto last_ms = bench::feed_flv_file(argv[1], demuxer);
  if (!last_ms.ok()) {
    std::fprintf(stderr, "%s\n", last_ms.error().describe().c_str());
    return 1;
  }
  converter.on_end(media::EndReason::Clean);
  double cpu = bench::cpu_seconds() - cpu0;
  std::printf("{\"media_s\":%.3f,\"cpu_s\":%.3f,\"aac_frames\":%llu,\"us_per_frame\":%.1f}\n",
              static_cast<double>(*last_ms) / 1000.0, cpu,
              static_cast<unsigned long long>(sink->audio_frames),
              sink->audio_frames > 0 ? cpu * 1e6 / static_cast<double>(sink->audio_frames) : 0.0);
  return 0;
}
