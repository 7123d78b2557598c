#include "transcode/av/av_ptr.h"

#include <string>

namespace antcdn::transcode::av {

std::string error_text(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(averror, buf, sizeof(buf));
  return buf;
}

}  // namespace antcdn::transcode::av
