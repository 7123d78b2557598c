// What converting audio to AAC costs (transcode/audio_converter.cc, which runs
// on the thread that feeds the pipeline, the ingest loop for RTMP): one FLV
// file's tags through FlvDemuxer and AudioConverter into a sink that drops
// them, as fast as it goes. Prints media seconds, CPU seconds and microseconds
// per output AAC frame as one JSON line.
//
//   audio_convert_bench SOURCE.flv     (e.g. an MP3 44.1 kHz source, see bench/README.md)

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

#include <sys/resource.h>

#include "ingest/rtmp/flv_demuxer.h"
#include "support/format/flv_reader.h"
#include "transcode/audio_converter.h"

using namespace antcdn;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

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
  std::ifstream in(argv[1], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto file = format::flv::read_flv_file(as_bytes(bytes));
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.error().describe().c_str());
    return 1;
  }
  auto sink = std::make_shared<CountingSink>();
  transcode::AudioConverter converter({.stream_label = "bench"}, sink);
  ingest::rtmp::FlvDemuxer demuxer(converter);
  double cpu0 = cpu_seconds();
  int64_t last_ms = 0;
  for (const auto& tag : file->tags) {
    if (tag.type == format::flv::TagType::ScriptData) {
      continue;
    }
    auto kind =
        tag.type == format::flv::TagType::Video ? media::MediaKind::Video : media::MediaKind::Audio;
    Bytes body(tag.body.begin(), tag.body.end());
    if (auto s = demuxer.on_media(kind, tag.timestamp_ms, std::move(body), 0); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.error().describe().c_str());
      return 1;
    }
    last_ms = std::max<int64_t>(last_ms, tag.timestamp_ms);
  }
  converter.on_end(media::EndReason::Clean);
  double cpu = cpu_seconds() - cpu0;
  std::printf("{\"media_s\":%.3f,\"cpu_s\":%.3f,\"aac_frames\":%llu,\"us_per_frame\":%.1f}\n",
              static_cast<double>(last_ms) / 1000.0, cpu,
              static_cast<unsigned long long>(sink->audio_frames),
              sink->audio_frames > 0 ? cpu * 1e6 / static_cast<double>(sink->audio_frames) : 0.0);
  return 0;
}
