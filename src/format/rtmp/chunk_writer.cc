#include "format/rtmp/chunk_writer.h"

#include <algorithm>
#include <string>

namespace antcdn::format::rtmp {

namespace {

constexpr uint32_t kTimestampEscape = 0xffffff;

}  // namespace

ChunkWriter::ChunkWriter(uint32_t chunk_size)
    : chunk_size_(chunk_size == 0 || chunk_size > 0x7fffffff ? kDefaultChunkSize : chunk_size) {}

Status ChunkWriter::set_chunk_size(uint32_t size) {
  if (size == 0 || size > 0x7fffffff) {
    return make_error(Code::InvalidArgument,
                      "rtmp chunk writer: invalid chunk size " + std::to_string(size));
  }
  chunk_size_ = size;
  return {};
}

Status ChunkWriter::write(const MessageHeader& header, ByteSpan payload, ByteWriter& out) const {
  uint32_t id = header.chunk_stream_id;
  if (id < 2 || id > 65599) {
    return make_error(Code::InvalidArgument,
                      "rtmp chunk writer: invalid chunk stream id " + std::to_string(id));
  }
  if (payload.size() > kMaxMessageSize) {
    return make_error(Code::InvalidArgument, "rtmp chunk writer: message of " +
                                                 std::to_string(payload.size()) +
                                                 " bytes does not fit the 24-bit length");
  }
  bool extended = header.timestamp >= kTimestampEscape;
  basic_header(0, id, out);
  out.u24be(extended ? kTimestampEscape : header.timestamp);
  out.u24be(static_cast<uint32_t>(payload.size()));
  out.u8(static_cast<uint8_t>(header.type));
  out.u32le(header.stream_id);
  if (extended) {
    out.u32be(header.timestamp);
  }
  size_t pos = 0;
  do {
    if (pos > 0) {
      basic_header(3, id, out);
      if (extended) {
        out.u32be(header.timestamp);
      }
    }
    size_t n = std::min<size_t>(chunk_size_, payload.size() - pos);
    out.bytes(payload.subspan(pos, n));
    pos += n;
  } while (pos < payload.size());
  return {};
}

void ChunkWriter::basic_header(int fmt, uint32_t chunk_stream_id, ByteWriter& out) {
  auto fmt_bits = static_cast<uint8_t>(fmt << 6);
  if (chunk_stream_id < 64) {
    out.u8(fmt_bits | static_cast<uint8_t>(chunk_stream_id));
  } else if (chunk_stream_id < 64 + 256) {
    out.u8(fmt_bits);
    out.u8(static_cast<uint8_t>(chunk_stream_id - 64));
  } else {
    uint32_t rest = chunk_stream_id - 64;
    out.u8(fmt_bits | 1);
    out.u8(static_cast<uint8_t>(rest & 0xff));
    out.u8(static_cast<uint8_t>(rest >> 8));
  }
}

}  // namespace antcdn::format::rtmp
