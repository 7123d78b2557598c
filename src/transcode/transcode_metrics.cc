#include "transcode/transcode_metrics.h"

namespace antcdn::transcode {

TranscodeMetrics::TranscodeMetrics(metrics::Registry& registry)
    : queued_frames(registry.gauge("antcdn_transcode_queued_frames",
                                   "Access units queued for the transcoders' workers.")),
      shed_gops(registry.counter(
          "antcdn_transcode_shed_gops_total",
          "Times a transcoder fell behind and dropped video up to the next keyframe.")),
      shed_frames(registry.counter("antcdn_transcode_shed_frames_total",
                                   "Video frames dropped by transcoders that fell behind.")) {}

}  // namespace antcdn::transcode
