// Fuzzes the chunk reader with the input split into feeds of a size chosen by
// the first byte, then checks a property: every message read, written back with
// the ChunkWriter and read again, comes out identical.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "format/rtmp/chunk_reader.h"
#include "format/rtmp/chunk_writer.h"

using namespace antcdn;
using namespace antcdn::format::rtmp;

namespace {

constexpr ChunkReaderLimits kLimits{.max_chunk_size = 64 * 1024,
                                    .max_message_size = 1u << 20,
                                    .max_chunk_streams = 16,
                                    .max_messages_in_flight = 4,
                                    .max_buffered_bytes = size_t{2} << 20};

std::vector<Message> read_all(ChunkReader& reader, ByteSpan data, size_t step) {
  std::vector<Message> out;
  while (!data.empty()) {
    ByteSpan piece = data.first(std::min(step, data.size()));
    Result<Consumed> r = reader.feed(piece);
    if (!r.ok()) {
      break;
    }
    if (r->bytes > piece.size() || (!r->ready && r->bytes != piece.size())) {
      std::abort();
    }
    data = data.subspan(r->bytes);
    if (r->ready) {
      out.push_back(reader.take_message());
    }
  }
  return out;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  size_t step = data[0] == 0 ? size : data[0];
  ByteSpan input(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  ChunkReader reader(kLimits);
  std::vector<Message> messages = read_all(reader, input, step);

  ChunkWriter writer(reader.chunk_size());
  ByteWriter out;
  std::vector<const Message*> written;
  for (const Message& m : messages) {
    // Control messages would change the second reader's state differently.
    if (m.header.type == MessageType::SetChunkSize || m.header.type == MessageType::Abort) {
      continue;
    }
    if (writer.write(m, out).ok()) {
      written.push_back(&m);
    }
  }
  ChunkReader second(kLimits);
  // The second reader starts at 128; tell it the size the writer uses.
  ByteWriter prefix;
  Message set_size{{.chunk_stream_id = 2, .type = MessageType::SetChunkSize}, {}};
  ByteWriter body;
  body.u32be(writer.chunk_size());
  set_size.payload = std::move(body).take();
  if (!ChunkWriter().write(set_size, prefix).ok()) {
    std::abort();
  }
  prefix.bytes(out.data());
  std::vector<Message> again = read_all(second, prefix.data(), prefix.size());
  if (again.size() != written.size() + 1) {
    std::abort();
  }
  for (size_t i = 0; i < written.size(); ++i) {
    const Message& a = *written[i];
    const Message& b = again[i + 1];
    if (a.payload != b.payload || a.header.type != b.header.type ||
        a.header.timestamp != b.header.timestamp || a.header.stream_id != b.header.stream_id ||
        a.header.chunk_stream_id != b.header.chunk_stream_id) {
      std::abort();
    }
  }
  return 0;
}
