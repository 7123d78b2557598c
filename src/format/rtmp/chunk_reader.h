#pragma once

// Reassembles RTMP messages from the chunk stream (RTMP spec 5.3), sans-I/O.
//
// feed() consumes bytes until one message is complete, then stops so the caller
// can take it; bytes of a partial chunk header are kept internally, so a caller
// can offer any split of the stream, down to one byte at a time. Set Chunk Size
// and Abort are applied here (they change how later chunks are cut) and are
// also delivered, so the caller can log them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "format/rtmp/message.h"

namespace antcdn::format::rtmp {

struct ChunkReaderLimits {
  uint32_t max_chunk_size = 64 * 1024;                   // largest Set Chunk Size accepted
  uint32_t max_message_size = 8 * 1024 * 1024;           // largest message length accepted
  size_t max_chunk_streams = 64;                         // distinct chunk stream ids tracked
  size_t max_messages_in_flight = 8;                     // partial messages held at once
  size_t max_buffered_bytes = size_t{16} * 1024 * 1024;  // sum of partial message bytes
};

class ChunkReader {
 public:
  static constexpr uint32_t kDefaultChunkSize = 128;
  static constexpr uint32_t kMaxChunkStreamId = 65599;

  explicit ChunkReader(ChunkReaderLimits limits = {});

  // Consumes bytes from `data`. ready: a message is complete, call
  // take_message() before feeding again (until then feed consumes nothing and
  // reports ready again). Not ready: all of `data` was consumed. After an error
  // the reader is dead and repeats the error.
  Result<Consumed> feed(ByteSpan data);

  // Applies to messages that start from now on (e.g. larger ones once the peer
  // is authorised); a message in progress keeps the size it announced.
  void set_limits(const ChunkReaderLimits& limits) { limits_ = limits; }

  // The completed message; only valid after feed() reported ready.
  Message take_message();

  uint32_t chunk_size() const { return chunk_size_; }
  uint64_t bytes_consumed() const { return offset_; }

 private:
  static constexpr size_t kMaxHeaderSize = 3 + 11 + 4;

  struct ChunkStream {
    uint32_t id = 0;
    MessageHeader header;
    uint32_t length = 0;
    uint32_t timestamp_field = 0;  // last fmt 0/1/2 timestamp or delta (fmt 3 reuses it)
    bool extended = false;         // last fmt 0/1/2 header had an extended timestamp
    bool in_progress = false;      // a message has started and is not complete
    Bytes payload;
  };

  size_t header_size_needed() const;
  Status start_chunk();
  Status apply_header(ChunkStream& stream, int fmt, ByteReader& reader);
  Status begin_message(ChunkStream& stream);
  Status finish_message(ChunkStream& stream);
  Status apply_control(const Message& message);
  ChunkStream* find_stream(uint32_t id);
  Error fail(Error error);

  ChunkReaderLimits limits_;
  uint32_t chunk_size_ = kDefaultChunkSize;
  std::vector<ChunkStream> streams_;
  std::array<std::byte, kMaxHeaderSize> header_{};
  size_t header_length_ = 0;
  size_t current_ = 0;  // index in streams_ of the chunk whose payload is being read
  uint32_t chunk_remaining_ = 0;
  size_t in_flight_ = 0;
  size_t buffered_ = 0;
  uint64_t offset_ = 0;
  std::optional<Message> ready_;
  std::optional<Error> error_;
};

}  // namespace antcdn::format::rtmp
