#pragma once

// Serialises messages into RTMP chunks: a fmt 0 header for the first chunk,
// fmt 3 for continuations, extended timestamps (repeated on every fmt 3
// chunk, as the spec says and ffmpeg/librtmp expect) from 0xffffff on. A server
// sends few messages, so header compression (fmt 1/2) is not worth its state.

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "format/rtmp/message.h"

namespace antcdn::format::rtmp {

class ChunkWriter {
 public:
  static constexpr uint32_t kDefaultChunkSize = 128;
  static constexpr uint32_t kMaxMessageSize = 0xffffff;  // 24-bit length field

  explicit ChunkWriter(uint32_t chunk_size = kDefaultChunkSize);

  // Changes the chunk size for later messages: 1..0x7fffffff. Send the peer a
  // Set Chunk Size message (written at the old size) before calling this.
  Status set_chunk_size(uint32_t size);
  uint32_t chunk_size() const { return chunk_size_; }

  // Fails on a chunk stream id outside 2..65599 or a payload over 16 MiB - 1.
  Status write(const MessageHeader& header, ByteSpan payload, ByteWriter& out) const;
  Status write(const Message& message, ByteWriter& out) const {
    return write(message.header, message.payload, out);
  }

 private:
  static void basic_header(int fmt, uint32_t chunk_stream_id, ByteWriter& out);

  uint32_t chunk_size_;
};

}  // namespace antcdn::format::rtmp
