#include "media/input_limits.h"

#include <cmath>

namespace antcdn::media {

double sane_frame_rate(double fps) {
  return std::isfinite(fps) && fps > 0 && fps <= kMaxFrameRate ? fps : 0;
}

Status check_picture_size(int width, int height) {
  if (width <= 0 || height <= 0) {
    return make_error(Code::InvalidArgument,
                      "empty picture size " + std::to_string(width) + "x" + std::to_string(height));
  }
  if (width > kMaxWidth || height > kMaxHeight) {
    return make_error(Code::Unsupported, "picture size " + std::to_string(width) + "x" +
                                             std::to_string(height) + " is larger than " +
                                             std::to_string(kMaxWidth) + "x" +
                                             std::to_string(kMaxHeight));
  }
  return {};
}

}  // namespace antcdn::media
