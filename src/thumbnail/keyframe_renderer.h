#pragma once

// A JPEG of a segment's first keyframe: the fMP4 init section gives the avcC,
// the segment gives the keyframe's bytes (format/fmp4/keyframe_reader.h); only
// that one picture is decoded (libavcodec H.264, one thread), scaled
// (libswscale) and encoded (MJPEG). CPU only, no I/O: callers run it on a
// thread that may take tens of milliseconds (bench/thumbnail_bench.cc).

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::thumbnail {

inline constexpr int kMinWidth = 16;

struct PictureSize {
  int width = 0;
  int height = 0;
  bool operator==(const PictureSize&) const = default;
};

// The thumbnail's size for a `source` picture and a `requested` width (0: the
// source width): the width clamped to [kMinWidth, source width], the height
// keeping the aspect ratio, both rounded down to even (4:2:0 chroma), at least 2.
PictureSize thumbnail_size(PictureSize source, int requested_width);

// InvalidArgument or Unsupported when the objects cannot give a picture.
Result<Bytes> render_keyframe_jpeg(ByteSpan init, ByteSpan segment, int requested_width);

}  // namespace antcdn::thumbnail
