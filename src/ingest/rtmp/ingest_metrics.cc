#include "ingest/rtmp/ingest_metrics.h"

namespace antcdn::ingest::rtmp {
namespace {

constexpr const char* kFramesHelp = "Media messages (frames) received from publishers.";

}  // namespace

IngestMetrics::IngestMetrics(metrics::Registry& registry)
    : bytes(registry.counter("antcdn_ingest_bytes_total",
                             "Bytes read from RTMP connections (protocol overhead included).")),
      video_frames(
          registry.counter("antcdn_ingest_frames_total", kFramesHelp, {{"kind", "video"}})),
      audio_frames(
          registry.counter("antcdn_ingest_frames_total", kFramesHelp, {{"kind", "audio"}})),
      publishers(registry.gauge("antcdn_ingest_publishers",
                                "RTMP connections publishing a stream on this node.")) {}

}  // namespace antcdn::ingest::rtmp
