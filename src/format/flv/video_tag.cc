#include "format/flv/video_tag.h"

#include <array>

namespace antcdn::format::flv {
namespace {

constexpr uint8_t kCodecAvc = 7;

// Enhanced RTMP packet types (low nibble when the ex-header bit is set).
enum class ExPacketType : uint8_t {
  SequenceStart = 0,
  CodedFrames = 1,
  SequenceEnd = 2,
  CodedFramesX = 3,  // like CodedFrames with an implied composition time of 0
  Metadata = 4,
  Mpeg2TsSequenceStart = 5,
  Multitrack = 6,
  ModEx = 7,
};

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "flv video tag: " + what);
}

int32_t sign_extend_24(uint32_t v) {
  return (v & 0x800000u) ? static_cast<int32_t>(v) - 0x1000000 : static_cast<int32_t>(v);
}

std::string fourcc_name(ByteSpan fourcc) {
  std::string s(as_chars(fourcc));
  struct Known {
    const char* fourcc;
    const char* name;
  };
  static constexpr std::array<Known, 4> kKnown = {
      {{"hvc1", "HEVC"}, {"av01", "AV1"}, {"vp09", "VP9"}, {"vp08", "VP8"}}};
  for (const auto& k : kKnown) {
    if (s == k.fourcc) {
      return std::string(k.name) + " (Enhanced RTMP '" + s + "')";
    }
  }
  // Escape bytes so a hostile FourCC cannot inject control characters into logs.
  std::string printable;
  for (char c : s) {
    printable += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return "Enhanced RTMP FourCC '" + printable + "'";
}

Result<VideoTag> parse_enhanced(uint8_t first, ByteReader& r) {
  ByteSpan fourcc = r.bytes(4);
  if (!r.ok()) {
    return invalid("truncated Enhanced RTMP FourCC");
  }
  if (as_chars(fourcc) != "avc1") {
    return make_error(Code::Unsupported,
                      "video codec " + fourcc_name(fourcc) + " is not supported (H.264 only)");
  }
  VideoTag tag;
  tag.enhanced = true;
  uint8_t frame_type = (first >> 4) & 0x07;
  if (frame_type < 1 || frame_type > 5) {
    return invalid("frame type " + std::to_string(frame_type));
  }
  tag.frame_type = static_cast<VideoFrameType>(frame_type);
  auto packet_type = static_cast<ExPacketType>(first & 0x0f);
  if (tag.frame_type == VideoFrameType::Command && packet_type != ExPacketType::Metadata) {
    tag.payload = r.rest();
    return tag;
  }
  switch (packet_type) {
    case ExPacketType::SequenceStart:
      tag.packet_type = AvcPacketType::SequenceHeader;
      break;
    case ExPacketType::CodedFrames:
      tag.packet_type = AvcPacketType::Nalu;
      tag.composition_time_ms = sign_extend_24(r.u24be());
      break;
    case ExPacketType::CodedFramesX:
      tag.packet_type = AvcPacketType::Nalu;
      break;
    case ExPacketType::SequenceEnd:
      tag.packet_type = AvcPacketType::EndOfSequence;
      break;
    default:
      return make_error(Code::Unsupported, "Enhanced RTMP video packet type " +
                                               std::to_string(first & 0x0f) + " is not supported");
  }
  tag.payload = r.rest();
  if (!r.ok()) {
    return invalid("truncated composition time");
  }
  return tag;
}

}  // namespace

std::string video_codec_name(uint8_t codec_id) {
  switch (codec_id) {
    case 1:
      return "JPEG";
    case 2:
      return "Sorenson H.263";
    case 3:
      return "Screen Video";
    case 4:
      return "On2 VP6";
    case 5:
      return "On2 VP6 with alpha";
    case 6:
      return "Screen Video v2";
    case 7:
      return "H.264";
    case 12:
      return "HEVC (non-standard FLV codec id 12)";
    case 13:
      return "AV1 (non-standard FLV codec id 13)";
    default:
      return "unknown (FLV codec id " + std::to_string(codec_id) + ")";
  }
}

Result<VideoTag> parse_video_tag(ByteSpan body) {
  ByteReader r(body);
  uint8_t first = r.u8();
  if (!r.ok()) {
    return invalid("empty body");
  }
  // Enhanced RTMP reuses the top bit of the frame type as the ex-header flag;
  // legacy frame types are 1..5 so the bit is never set by old encoders.
  if (first & 0x80) {
    return parse_enhanced(first, r);
  }
  uint8_t frame_type = first >> 4;
  uint8_t codec_id = first & 0x0f;
  if (codec_id != kCodecAvc) {
    return make_error(Code::Unsupported, "video codec " + video_codec_name(codec_id) +
                                             " is not supported (H.264 only)");
  }
  if (frame_type < 1 || frame_type > 5) {
    return invalid("frame type " + std::to_string(frame_type));
  }
  VideoTag tag;
  tag.frame_type = static_cast<VideoFrameType>(frame_type);
  if (tag.frame_type == VideoFrameType::Command) {
    // A command frame carries one info byte instead of an AVC packet.
    tag.payload = r.rest();
    return tag;
  }
  uint8_t packet_type = r.u8();
  uint32_t cts = r.u24be();
  if (!r.ok()) {
    return invalid("truncated AVC packet header");
  }
  if (packet_type > 2) {
    return invalid("AVCPacketType " + std::to_string(packet_type));
  }
  tag.packet_type = static_cast<AvcPacketType>(packet_type);
  tag.composition_time_ms = sign_extend_24(cts);
  tag.payload = r.rest();
  return tag;
}

}  // namespace antcdn::format::flv
