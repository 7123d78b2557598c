#pragma once

// RTMP message model shared by the chunk reader/writer, the control/command
// helpers and the server connection.

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"

namespace antcdn::format::rtmp {

// Message type ids (RTMP spec 5.4, 7.1). Held in an enum with a fixed
// underlying type so that unknown ids from the wire remain representable.
enum class MessageType : uint8_t {
  SetChunkSize = 1,
  Abort = 2,
  Acknowledgement = 3,
  UserControl = 4,
  WindowAckSize = 5,
  SetPeerBandwidth = 6,
  Audio = 8,
  Video = 9,
  DataAmf3 = 15,
  SharedObjectAmf3 = 16,
  CommandAmf3 = 17,
  DataAmf0 = 18,
  SharedObjectAmf0 = 19,
  CommandAmf0 = 20,
  Aggregate = 22,
};

// Chunk stream ids conventionally used for what a server sends.
inline constexpr uint32_t kControlChunkStream = 2;  // protocol control, required by the spec
inline constexpr uint32_t kCommandChunkStream = 3;  // NetConnection commands and replies
inline constexpr uint32_t kStatusChunkStream = 5;   // NetStream status messages

struct MessageHeader {
  uint32_t chunk_stream_id = kCommandChunkStream;
  MessageType type = MessageType::CommandAmf0;
  uint32_t stream_id = 0;  // message stream id; 0 = NetConnection
  uint32_t timestamp = 0;  // 32-bit as on the wire (wraps; the session unwraps)
};

struct Message {
  MessageHeader header;
  Bytes payload;
};

// Result of a streaming parser's feed(): how many bytes of the offered span were
// consumed and whether a unit (a message, a finished handshake) is ready. When
// `ready` is false every offered byte was consumed and more input is needed.
struct Consumed {
  size_t bytes = 0;
  bool ready = false;
};

}  // namespace antcdn::format::rtmp
