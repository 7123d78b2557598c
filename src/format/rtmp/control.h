#pragma once

// Protocol control messages (RTMP spec 5.4) and User Control messages (7.1.7):
// builders for what a server sends and parsers for what a client sends. All
// travel on chunk stream 2, message stream 0, timestamp 0.

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "format/rtmp/message.h"

namespace antcdn::format::rtmp {

enum class UserControlEvent : uint16_t {
  StreamBegin = 0,
  StreamEof = 1,
  StreamDry = 2,
  SetBufferLength = 3,
  StreamIsRecorded = 4,
  PingRequest = 6,
  PingResponse = 7,
};

enum class PeerBandwidthLimit : uint8_t { Hard = 0, Soft = 1, Dynamic = 2 };

struct UserControl {
  UserControlEvent event = UserControlEvent::StreamBegin;
  uint32_t value = 0;          // stream id or ping timestamp
  uint32_t buffer_length = 0;  // SetBufferLength only, in milliseconds
};

Message make_set_chunk_size(uint32_t size);
Message make_abort(uint32_t chunk_stream_id);
Message make_acknowledgement(uint32_t sequence_number);
Message make_window_ack_size(uint32_t size);
Message make_set_peer_bandwidth(uint32_t size, PeerBandwidthLimit limit);
Message make_user_control(UserControlEvent event, uint32_t value);
Message make_stream_begin(uint32_t stream_id);
Message make_ping_request(uint32_t timestamp);
Message make_ping_response(uint32_t timestamp);

// The 4-byte big-endian body of Set Chunk Size, Abort, Acknowledgement and
// Window Acknowledgement Size.
Result<uint32_t> parse_u32_control(ByteSpan payload);
Result<UserControl> parse_user_control(ByteSpan payload);

}  // namespace antcdn::format::rtmp
