// Runs one FLV file through our pipeline (FLV demuxer -> transcoder ->
// packager -> disk) as fast as it goes, and prints CPU seconds, wall seconds and
// peak RSS as one JSON line. bench/transcode_vs_ffmpeg.sh compares it with the
// ffmpeg CLI doing the same ladder.
//
//   transcode_bench SOURCE.flv standard|high PRESET OUTDIR [cascade|direct [X264_THREADS]]
//
// "direct" scales every rung from the source, as the ffmpeg CLI's split +
// scale does; "cascade" (the service's default) scales small rungs from a
// larger one.

#include <chrono>
#include <cstdio>

#include <sys/resource.h>

#include "flv_feed.h"
#include "ingest/rtmp/flv_demuxer.h"
#include "package/stream_packager.h"
#include "storage/disk_store.h"
#include "storage/write_queue.h"
#include "transcode/transcoder.h"

using namespace antcdn;

int main(int argc, char** argv) {
  if (argc < 5 || argc > 7) {
    std::fprintf(
        stderr,
        "usage: %s SOURCE.flv standard|high PRESET OUTDIR [cascade|direct [X264_THREADS]]\n",
        argv[0]);
    return 2;
  }
  std::string scaling = argc > 5 ? argv[5] : "cascade";
  if (scaling != "cascade" && scaling != "direct") {
    std::fprintf(stderr, "scaling must be cascade or direct\n");
    return 2;
  }
  auto quality = media::parse_quality(argv[2]);
  if (!quality || *quality == media::Quality::Passthrough) {
    std::fprintf(stderr, "quality must be standard or high\n");
    return 2;
  }
  transcode::quiet_ffmpeg_logs();
  storage::DiskStore disk(argv[4]);
  storage::WriteQueue writes(disk, storage::WriteQueueOptions{});
  auto packager = std::make_shared<package::StreamPackager>(
      package::PackagerOptions{.edge_id = "bench", .window_segments = 1000000}, writes,
      package::PackagerEvents{});
  // Offline: nothing may be shed or refused, so the queue is unbounded here.
  transcode::Transcoder transcoder(
      transcode::TranscoderOptions{.quality = *quality,
                                   .preset = argv[3],
                                   .max_queued_video_frames = SIZE_MAX,
                                   .max_queued_video_bytes = SIZE_MAX,
                                   .max_queued_audio_frames = SIZE_MAX,
                                   .encoder_threads = argc > 6 ? std::atoi(argv[6]) : 0,
                                   .scale_cascade = scaling == "cascade",
                                   .stream_label = "bench"},
      packager);
  ingest::rtmp::FlvDemuxer demuxer(transcoder);

  double cpu0 = bench::cpu_seconds();
  auto wall0 = std::chrono::steady_clock::now();
  auto last_ms = bench::feed_flv_file(argv[1], demuxer);
  if (!last_ms.ok()) {
    std::fprintf(stderr, "%s\n", last_ms.error().describe().c_str());
    return 1;
  }
  transcoder.on_end(media::EndReason::Clean);
  transcoder.wait_idle();
  writes.flush();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double cpu = bench::cpu_seconds() - cpu0;
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto stats = transcoder.stats();
  std::printf(
      "{\"media_s\":%.3f,\"cpu_s\":%.3f,\"wall_s\":%.3f,\"peak_rss_mb\":%.1f,\"shed\":%llu}\n",
      static_cast<double>(*last_ms) / 1000.0, cpu, wall, static_cast<double>(u.ru_maxrss) / 1024.0,
      static_cast<unsigned long long>(stats.frames_shed));
  return 0;
}
