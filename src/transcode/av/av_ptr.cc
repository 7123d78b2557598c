#include "transcode/av/av_ptr.h"

#include <cstring>
#include <string>

namespace antcdn::transcode::av {

std::string error_text(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(averror, buf, sizeof(buf));
  return buf;
}

Status load_packet(AVPacket* packet, const media::AccessUnit& unit) {
  av_packet_unref(packet);
  if (int err = av_new_packet(packet, static_cast<int>(unit.data.size())); err < 0) {
    return make_error(Code::Internal, "av_new_packet: " + error_text(err));
  }
  std::memcpy(packet->data, unit.data.data(), unit.data.size());
  packet->pts = unit.pts;
  packet->dts = unit.dts;
  if (unit.keyframe) {
    packet->flags |= AV_PKT_FLAG_KEY;
  }
  return {};
}

}  // namespace antcdn::transcode::av
