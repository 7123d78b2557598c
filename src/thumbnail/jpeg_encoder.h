#pragma once

// One picture to a baseline JPEG with libavcodec's MJPEG encoder.

#include "common/bytes.h"
#include "common/result.h"
#include "transcode/av/av_ptr.h"

namespace antcdn::thumbnail {

// `picture` must be full-range YUV 4:2:0 (AV_PIX_FMT_YUVJ420P). `quality` is
// the MJPEG quantiser scale, 2 (best) to 31.
Result<Bytes> encode_jpeg(const AVFrame& picture, int quality = 4);

}  // namespace antcdn::thumbnail
