#include "format/rtmp/chunk_writer.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "format/rtmp/chunk_reader.h"
#include "format/rtmp/control.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::rtmp {
namespace {

using antcdn::test::concat;
using antcdn::test::hex;

Bytes written(const ChunkWriter& w, const MessageHeader& h, ByteSpan payload) {
  ByteWriter out;
  EXPECT_TRUE(w.write(h, payload, out).ok());
  return std::move(out).take();
}

Bytes filled(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<std::byte>(i);
  }
  return b;
}

TEST(ChunkWriter, SingleChunkBytes) {
  ChunkWriter w;
  MessageHeader h{
      .chunk_stream_id = 3, .type = MessageType::CommandAmf0, .stream_id = 1, .timestamp = 1000};
  EXPECT_EQ(written(w, h, to_bytes("abc")), hex("03 00 03 e8 00 00 03 14 01 00 00 00 61 62 63"));
}

TEST(ChunkWriter, SplitsWithFmt3Continuations) {
  ChunkWriter w;
  Bytes payload = filled(300);
  ByteSpan p = payload;
  MessageHeader h{.chunk_stream_id = 6, .type = MessageType::Video, .stream_id = 1};
  EXPECT_EQ(written(w, h, payload),
            concat({hex("06 00 00 00 00 01 2c 09 01 00 00 00"), p.subspan(0, 128), hex("c6"),
                    p.subspan(128, 128), hex("c6"), p.subspan(256)}));
}

TEST(ChunkWriter, ExactMultipleOfChunkSizeHasNoEmptyTrailingChunk) {
  ChunkWriter w;
  Bytes payload = filled(256);
  EXPECT_EQ(written(w, {.chunk_stream_id = 4, .type = MessageType::Audio}, payload).size(),
            12 + 256 + 1);
}

TEST(ChunkWriter, ExtendedTimestampRepeatedOnContinuations) {
  ChunkWriter w(100);
  Bytes payload = filled(150);
  ByteSpan p = payload;
  MessageHeader h{.chunk_stream_id = 4, .type = MessageType::Audio, .timestamp = 0x01000000};
  EXPECT_EQ(written(w, h, payload),
            concat({hex("04 ff ff ff 00 00 96 08 00 00 00 00 01 00 00 00"), p.subspan(0, 100),
                    hex("c4 01 00 00 00"), p.subspan(100)}));
  // 0xffffff itself is escaped too.
  h.timestamp = 0xffffff;
  EXPECT_EQ(written(w, h, {}), hex("04 ff ff ff 00 00 00 08 00 00 00 00 00 ff ff ff"));
}

TEST(ChunkWriter, BasicHeaderForms) {
  ChunkWriter w;
  EXPECT_EQ(written(w, {.chunk_stream_id = 63}, {})[0], std::byte{0x3f});
  Bytes two = written(w, {.chunk_stream_id = 319}, {});
  EXPECT_EQ(Bytes(two.begin(), two.begin() + 2), hex("00 ff"));
  Bytes three = written(w, {.chunk_stream_id = 65599}, {});
  EXPECT_EQ(Bytes(three.begin(), three.begin() + 3), hex("01 ff ff"));
  Bytes three_low = written(w, {.chunk_stream_id = 320}, {});
  EXPECT_EQ(Bytes(three_low.begin(), three_low.begin() + 3), hex("01 00 01"));
}

TEST(ChunkWriter, RejectsInvalidInput) {
  ChunkWriter w;
  ByteWriter out;
  EXPECT_FALSE(w.write({.chunk_stream_id = 1}, {}, out).ok());
  EXPECT_FALSE(w.write({.chunk_stream_id = 65600}, {}, out).ok());
  Bytes huge(0x1000000);
  EXPECT_FALSE(w.write({.chunk_stream_id = 3}, huge, out).ok());
  EXPECT_EQ(out.size(), 0u);
  EXPECT_FALSE(w.set_chunk_size(0).ok());
  EXPECT_FALSE(w.set_chunk_size(0x80000000).ok());
  EXPECT_TRUE(w.set_chunk_size(0x7fffffff).ok());
}

TEST(ChunkWriter, RoundTripThroughReader) {
  std::mt19937 rng(42);
  for (uint32_t chunk_size : {1u, 7u, 128u, 4096u, 65536u}) {
    ChunkWriter writer;
    ByteWriter stream;
    std::vector<Message> sent;
    ASSERT_TRUE(writer.write(make_set_chunk_size(chunk_size), stream).ok());
    ASSERT_TRUE(writer.set_chunk_size(chunk_size).ok());
    for (int i = 0; i < 40; ++i) {
      Message m;
      m.header.chunk_stream_id = std::uniform_int_distribution<uint32_t>(3, 65599)(rng);
      m.header.type = (i % 2) != 0 ? MessageType::Audio : MessageType::Video;
      m.header.stream_id = rng();
      m.header.timestamp = (i % 3) == 0 ? 0xffffff + rng() % 1000 : rng() % 0xffffff;
      m.payload = Bytes(std::uniform_int_distribution<size_t>(0, 20000)(rng));
      for (std::byte& b : m.payload) {
        b = static_cast<std::byte>(rng());
      }
      ASSERT_TRUE(writer.write(m, stream).ok());
      sent.push_back(std::move(m));
    }
    ChunkReader reader({.max_chunk_size = 65536, .max_chunk_streams = 100});
    ByteSpan data = stream.data();
    std::vector<Message> got;
    while (!data.empty()) {
      Result<Consumed> r = reader.feed(data);
      ASSERT_TRUE(r.ok()) << r.error().describe();
      data = data.subspan(r->bytes);
      if (r->ready) {
        got.push_back(reader.take_message());
      }
    }
    ASSERT_EQ(got.size(), sent.size() + 1) << chunk_size;
    for (size_t i = 0; i < sent.size(); ++i) {
      const Message& a = sent[i];
      const Message& b = got[i + 1];
      EXPECT_EQ(b.header.chunk_stream_id, a.header.chunk_stream_id);
      EXPECT_EQ(b.header.type, a.header.type);
      EXPECT_EQ(b.header.stream_id, a.header.stream_id);
      EXPECT_EQ(b.header.timestamp, a.header.timestamp);
      EXPECT_EQ(b.payload, a.payload);
    }
  }
}

}  // namespace
}  // namespace antcdn::format::rtmp
