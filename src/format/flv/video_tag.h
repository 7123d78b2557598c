#pragma once

// The body of an FLV video tag, which is also the payload of an RTMP video
// message (type 9). Only H.264 is accepted; every other codec, legacy or
// Enhanced RTMP (FourCC ex-header), is recognised so that ingest can refuse it
// with an Unsupported error that names it.

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::flv {

enum class VideoFrameType : uint8_t {
  Key = 1,
  Inter = 2,
  DisposableInter = 3,  // H.263 only
  GeneratedKey = 4,     // server use only
  Command = 5,          // video info / command frame: no picture data
};

enum class AvcPacketType : uint8_t {
  SequenceHeader = 0,  // AVCDecoderConfigurationRecord
  Nalu = 1,            // one access unit, AVCC framed
  EndOfSequence = 2,   // empty
};

struct VideoTag {
  VideoFrameType frame_type = VideoFrameType::Key;
  AvcPacketType packet_type = AvcPacketType::Nalu;  // meaningless for Command frames
  int32_t composition_time_ms = 0;                  // pts - dts, signed 24-bit on the wire
  bool enhanced = false;  // arrived with an Enhanced RTMP 'avc1' ex-header
  // Points into the parsed span: avcC for SequenceHeader, NAL units for Nalu,
  // the command byte for Command frames.
  ByteSpan payload;

  bool is_keyframe() const { return frame_type == VideoFrameType::Key; }
};

// Parses one video tag body. H.264 comes back as a VideoTag; any other codec
// is Code::Unsupported with its name in the message ("video codec HEVC
// (Enhanced RTMP 'hvc1') is not supported"); malformed bytes are
// Code::InvalidArgument. Never reads past `body`.
Result<VideoTag> parse_video_tag(ByteSpan body);

// Name of a legacy FLV video CodecID (e.g. 2 -> "Sorenson H.263").
std::string video_codec_name(uint8_t codec_id);

}  // namespace antcdn::format::flv
