#include "thumbnail/thumbnail_metrics.h"

namespace antcdn::thumbnail {

ThumbnailMetrics::ThumbnailMetrics(metrics::Registry& registry)
    : render_cpu_seconds(registry.histogram(
          "antcdn_thumbnail_render_cpu_seconds",
          "CPU time of each thumbnail render (decode one keyframe, scale, encode JPEG).",
          metrics::latency_buckets())),
      failed_renders(registry.counter("antcdn_thumbnail_failed_renders_total",
                                      "Thumbnail renders whose objects gave no picture.")) {}

}  // namespace antcdn::thumbnail
