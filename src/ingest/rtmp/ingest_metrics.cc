#include "ingest/rtmp/ingest_metrics.h"

namespace antcdn::ingest::rtmp {
namespace {

constexpr const char* kFramesHelp = "Media messages (frames) received from publishers.";
constexpr const char* kStreamFramesHelp =
    "Media messages (frames) received from the stream's current publisher.";

}  // namespace

IngestMetrics::IngestMetrics(metrics::Registry& registry, bool per_stream)
    : bytes(registry.counter("antcdn_ingest_bytes_total",
                             "Bytes read from RTMP, RTMPS and SRT connections (protocol "
                             "overhead included; SRT: MPEG-TS bytes).")),
      video_frames(
          registry.counter("antcdn_ingest_frames_total", kFramesHelp, {{"kind", "video"}})),
      audio_frames(
          registry.counter("antcdn_ingest_frames_total", kFramesHelp, {{"kind", "audio"}})),
      publishers(
          registry.gauge("antcdn_ingest_publishers",
                         "RTMP, RTMPS and SRT connections publishing a stream on this node.")),
      per_stream_(per_stream ? &registry : nullptr) {}

std::optional<StreamIngestCounters> IngestMetrics::for_stream(const std::string& stream_id) const {
  if (per_stream_ == nullptr) {
    return std::nullopt;
  }
  auto frames = [&](const char* kind) {
    return per_stream_->owned_counter("antcdn_stream_ingest_frames_total", kStreamFramesHelp,
                                      {{"stream", stream_id}, {"kind", kind}});
  };
  return StreamIngestCounters{
      .bytes = per_stream_->owned_counter(
          "antcdn_stream_ingest_bytes_total",
          "Bytes read from the stream's current publisher since it started publishing.",
          {{"stream", stream_id}}),
      .video_frames = frames("video"),
      .audio_frames = frames("audio"),
  };
}

}  // namespace antcdn::ingest::rtmp
