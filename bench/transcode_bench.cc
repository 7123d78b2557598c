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
#include <fstream>
#include <iterator>

#include <sys/resource.h>

#include "ingest/rtmp/flv_demuxer.h"
#include "package/stream_packager.h"
#include "storage/disk_store.h"
#include "storage/write_queue.h"
#include "support/format/flv_reader.h"
#include "transcode/transcoder.h"

using namespace antcdn;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

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
  std::ifstream in(argv[1], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto file = format::flv::read_flv_file(as_bytes(bytes));
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.error().describe().c_str());
    return 1;
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

  double cpu0 = cpu_seconds();
  auto wall0 = std::chrono::steady_clock::now();
  int64_t last_ms = 0;
  for (const auto& tag : file->tags) {
    if (tag.type == format::flv::TagType::ScriptData) {
      continue;
    }
    auto kind =
        tag.type == format::flv::TagType::Video ? media::MediaKind::Video : media::MediaKind::Audio;
    // A buffer per tag, as ingest's chunk reader hands over one per message.
    Bytes body(tag.body.begin(), tag.body.end());
    if (auto s = demuxer.on_media(kind, tag.timestamp_ms, std::move(body), 0); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.error().describe().c_str());
      return 1;
    }
    last_ms = std::max<int64_t>(last_ms, tag.timestamp_ms);
  }
  transcoder.on_end(media::EndReason::Clean);
  transcoder.wait_idle();
  writes.flush();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double cpu = cpu_seconds() - cpu0;
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto stats = transcoder.stats();
  std::printf(
      "{\"media_s\":%.3f,\"cpu_s\":%.3f,\"wall_s\":%.3f,\"peak_rss_mb\":%.1f,\"shed\":%llu}\n",
      static_cast<double>(last_ms) / 1000.0, cpu, wall, static_cast<double>(u.ru_maxrss) / 1024.0,
      static_cast<unsigned long long>(stats.frames_shed));
  return 0;
}
