#include "format/rtmp/chunk_reader.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::rtmp {
namespace {

using antcdn::test::concat;
using antcdn::test::hex;

// Feeds `data` in pieces of `step` bytes (0: all at once), collecting messages.
Result<std::vector<Message>> read_all(ChunkReader& reader, ByteSpan data, size_t step = 0) {
  std::vector<Message> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t n = step == 0 ? data.size() - pos : std::min(step, data.size() - pos);
    ByteSpan piece = data.subspan(pos, n);
    while (true) {
      Result<Consumed> r = reader.feed(piece);
      if (!r.ok()) {
        return r.error();
      }
      piece = piece.subspan(r->bytes);
      if (!r->ready) {
        EXPECT_TRUE(piece.empty()) << "not ready but bytes left";
        break;
      }
      out.push_back(reader.take_message());
    }
    pos += n;
  }
  return out;
}

Result<std::vector<Message>> read_all(ByteSpan data, ChunkReaderLimits limits = {}) {
  ChunkReader reader(limits);
  return read_all(reader, data);
}

Bytes filled(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<std::byte>(seed + i);
  }
  return b;
}

TEST(ChunkReader, SingleChunkFmt0) {
  Bytes b = hex("03 00 03 e8 00 00 05 14 01 00 00 00  61 62 63 64 65");
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 1u);
  const Message& m = (*msgs)[0];
  EXPECT_EQ(m.header.chunk_stream_id, 3u);
  EXPECT_EQ(m.header.timestamp, 1000u);
  EXPECT_EQ(m.header.type, MessageType::CommandAmf0);
  EXPECT_EQ(m.header.stream_id, 1u);  // little-endian on the wire
  EXPECT_EQ(m.payload, to_bytes("abcde"));
}

TEST(ChunkReader, MessageSplitAcrossChunksAtDefaultSize) {
  Bytes payload = filled(300, 1);
  ByteSpan p = payload;
  Bytes b = concat({hex("06 00 00 0a 00 01 2c 09 01 00 00 00"), p.subspan(0, 128), hex("c6"),
                    p.subspan(128, 128), hex("c6"), p.subspan(256)});
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].payload, payload);
  EXPECT_EQ((*msgs)[0].header.type, MessageType::Video);
  EXPECT_EQ((*msgs)[0].header.timestamp, 10u);
}

TEST(ChunkReader, Fmt1Fmt2Fmt3CarryHeaderForward) {
  Bytes b =
      hex("04 00 00 64 00 00 02 08 01 00 00 00  aa bb"  // fmt0 ts=100 len=2 audio msid=1
          "44 00 00 14 00 00 03 09  01 02 03"           // fmt1 delta=20 len=3 video
          "84 00 00 05  04 05 06"                       // fmt2 delta=5
          "c4  07 08 09");                              // fmt3: new message, delta 5 again
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 4u);
  const std::vector<Message>& m = *msgs;
  EXPECT_EQ(m[0].header.timestamp, 100u);
  EXPECT_EQ(m[0].header.type, MessageType::Audio);
  EXPECT_EQ(m[1].header.timestamp, 120u);
  EXPECT_EQ(m[1].header.type, MessageType::Video);
  EXPECT_EQ(m[1].header.stream_id, 1u);
  EXPECT_EQ(m[2].header.timestamp, 125u);
  EXPECT_EQ(m[2].payload, hex("04 05 06"));
  EXPECT_EQ(m[3].header.timestamp, 130u);
  EXPECT_EQ(m[3].header.type, MessageType::Video);
  EXPECT_EQ(m[3].payload, hex("07 08 09"));
}

TEST(ChunkReader, ExtendedTimestampOnFmt0AndOnContinuations) {
  Bytes payload = filled(200, 7);
  ByteSpan p = payload;
  Bytes b = concat({hex("06 ff ff ff 00 00 c8 09 01 00 00 00 01 02 03 04"), p.subspan(0, 128),
                    hex("c6 01 02 03 04"), p.subspan(128)});
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].header.timestamp, 0x01020304u);
  EXPECT_EQ((*msgs)[0].payload, payload);
}

TEST(ChunkReader, ExtendedDeltaAndWrap) {
  Bytes b =
      hex("04 ff ff ff 00 00 01 08 01 00 00 00 ff ff ff f0  aa"  // ts 0xfffffff0 (extended)
          "84 00 00 20  bb"                                      // delta 0x20: wraps to 0x10
          "84 ff ff ff 01 00 00 00  cc"                          // extended delta 0x01000000
          "c4 01 00 00 00  dd");                                 // fmt3 new message repeats it
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 4u);
  EXPECT_EQ((*msgs)[0].header.timestamp, 0xfffffff0u);
  EXPECT_EQ((*msgs)[1].header.timestamp, 0x10u);
  EXPECT_EQ((*msgs)[2].header.timestamp, 0x01000010u);
  EXPECT_EQ((*msgs)[3].header.timestamp, 0x02000010u);
}

TEST(ChunkReader, ChunkStreamIdEncodings) {
  struct Case {
    const char* basic;
    uint32_t id;
  };
  for (Case c : {Case{"02", 2}, Case{"3f", 63}, Case{"00 00", 64}, Case{"00 ff", 319},
                 Case{"01 00 01", 320}, Case{"01 ff ff", 65599}, Case{"01 00 00", 64}}) {
    Bytes b = concat({hex(c.basic), hex("00 00 00 00 00 01 12 00 00 00 00 05")});
    auto msgs = read_all(b);
    ASSERT_TRUE(msgs.ok()) << c.basic << ": " << msgs.error().describe();
    ASSERT_EQ(msgs->size(), 1u);
    EXPECT_EQ((*msgs)[0].header.chunk_stream_id, c.id) << c.basic;
    // The continuation form of the same id must address the same stream.
    Bytes fmt3 = hex(c.basic);
    fmt3[0] |= std::byte{0xc0};
    Bytes again = concat({b, fmt3, hex("06")});
    auto msgs2 = read_all(again);
    ASSERT_TRUE(msgs2.ok()) << msgs2.error().describe();
    ASSERT_EQ(msgs2->size(), 2u);
    EXPECT_EQ((*msgs2)[1].header.chunk_stream_id, c.id);
    EXPECT_EQ((*msgs2)[1].payload, hex("06"));
  }
}

TEST(ChunkReader, InterleavedChunkStreams) {
  Bytes audio = filled(200, 0x10);
  Bytes video = filled(150, 0x80);
  ByteSpan a = audio;
  ByteSpan v = video;
  Bytes b = concat({hex("04 00 00 01 00 00 c8 08 01 00 00 00"), a.subspan(0, 128),
                    hex("06 00 00 02 00 00 96 09 01 00 00 00"), v.subspan(0, 128), hex("c4"),
                    a.subspan(128),  // audio completes first
                    hex("c6"), v.subspan(128)});
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].header.type, MessageType::Audio);
  EXPECT_EQ((*msgs)[0].payload, audio);
  EXPECT_EQ((*msgs)[1].header.type, MessageType::Video);
  EXPECT_EQ((*msgs)[1].payload, video);
}

TEST(ChunkReader, SetChunkSizeAppliesToLaterChunks) {
  Bytes payload = filled(300, 3);
  ByteSpan p = payload;
  Bytes b = concat({hex("02 00 00 00 00 00 04 01 00 00 00 00 00 00 01 00"),  // size 256
                    hex("06 00 00 00 00 01 2c 09 01 00 00 00"), p.subspan(0, 256), hex("c6"),
                    p.subspan(256)});
  ChunkReader reader;
  auto msgs = read_all(reader, b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].header.type, MessageType::SetChunkSize);  // delivered too
  EXPECT_EQ((*msgs)[1].payload, payload);
  EXPECT_EQ(reader.chunk_size(), 256u);
}

Status set_chunk_size_status(const char* value, ChunkReaderLimits limits = {}) {
  Bytes b = concat({hex("02 00 00 00 00 00 04 01 00 00 00 00"), hex(value)});
  auto msgs = read_all(b, limits);
  return msgs.ok() ? Status() : Status(msgs.error());
}

TEST(ChunkReader, SetChunkSizeValidation) {
  EXPECT_TRUE(set_chunk_size_status("00 01 00 00").ok());  // 64 KiB: the default limit
  Status zero = set_chunk_size_status("00 00 00 00");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, Code::InvalidArgument);
  Status high = set_chunk_size_status("80 00 10 00");
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.error().code, Code::InvalidArgument);
  Status big = set_chunk_size_status("00 01 00 01");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, Code::ResourceExhausted);
  EXPECT_TRUE(set_chunk_size_status("7f ff ff ff", {.max_chunk_size = 0x7fffffff}).ok());
  Bytes truncated = hex("02 00 00 00 00 00 02 01 00 00 00 00 00 01");
  EXPECT_FALSE(read_all(truncated).ok());
}

TEST(ChunkReader, AbortDiscardsThePartialMessage) {
  Bytes first = filled(200, 1);
  Bytes b = concat({hex("06 00 00 00 00 00 c8 09 01 00 00 00"), ByteSpan(first).subspan(0, 128),
                    hex("02 00 00 00 00 00 04 02 00 00 00 00 00 00 00 06"),  // Abort csid 6
                    // A fresh fmt 0 on csid 6 is legal again after the abort.
                    hex("06 00 00 00 00 00 02 09 01 00 00 00 aa bb")});
  auto msgs = read_all(b);
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].header.type, MessageType::Abort);
  EXPECT_EQ((*msgs)[1].payload, hex("aa bb"));
}

TEST(ChunkReader, ZeroLengthMessage) {
  auto msgs =
      read_all(hex("03 00 00 00 00 00 00 14 00 00 00 00  03 00 00 00 00 00 01 14 00 00 00 00 05"));
  ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_TRUE((*msgs)[0].payload.empty());
}

Bytes mixed_stream() {
  Bytes big = filled(1000, 9);
  ByteSpan p = big;
  return concat({hex("02 00 00 00 00 00 04 01 00 00 00 00 00 00 01 90"),  // chunk size 400
                 hex("04 ff ff ff 00 00 02 08 01 00 00 00 7f 00 00 00 aa bb"),
                 hex("06 00 00 21 00 03 e8 09 01 00 00 00"), p.subspan(0, 400),
                 hex("c4 7f 00 00 00 cc dd"),  // fmt 3 new audio message, extended
                 hex("c6"), p.subspan(400, 400), hex("c6"), p.subspan(800),
                 hex("00 05 00 00 10 00 00 03 14 00 00 00 00 05 05 05"),  // csid 69
                 hex("46 00 00 01 00 00 09 09 61 62 63 64 65 66 67 68 69")});
}

TEST(ChunkReader, ByteAtATimeGivesIdenticalMessages) {
  Bytes b = mixed_stream();
  ChunkReader whole_reader;
  auto whole = read_all(whole_reader, b);
  ASSERT_TRUE(whole.ok()) << whole.error().describe();
  ASSERT_EQ(whole->size(), 6u);
  for (size_t step : {1, 2, 3, 7, 17, 128, 401}) {
    ChunkReader reader;
    auto pieces = read_all(reader, b, step);
    ASSERT_TRUE(pieces.ok()) << step << ": " << pieces.error().describe();
    ASSERT_EQ(pieces->size(), whole->size()) << step;
    for (size_t i = 0; i < whole->size(); ++i) {
      EXPECT_EQ((*pieces)[i].payload, (*whole)[i].payload) << step << "/" << i;
      EXPECT_EQ((*pieces)[i].header.timestamp, (*whole)[i].header.timestamp);
      EXPECT_EQ((*pieces)[i].header.type, (*whole)[i].header.type);
      EXPECT_EQ((*pieces)[i].header.chunk_stream_id, (*whole)[i].header.chunk_stream_id);
    }
    EXPECT_EQ(reader.bytes_consumed(), b.size());
  }
  EXPECT_EQ((*whole)[1].header.timestamp, 0x7f000000u);
  EXPECT_EQ((*whole)[2].header.timestamp, 0x7f000000u + 0x7f000000u);
  EXPECT_EQ((*whole)[2].payload, hex("cc dd"));
  EXPECT_EQ((*whole)[3].payload.size(), 1000u);
  EXPECT_EQ((*whole)[4].header.chunk_stream_id, 69u);
  EXPECT_EQ((*whole)[5].payload, to_bytes("abcdefghi"));
  EXPECT_EQ((*whole)[5].header.timestamp, 0x21u + 1);
}

TEST(ChunkReader, ReadyWithoutTakeConsumesNothing) {
  ChunkReader reader;
  Bytes b = hex("03 00 00 00 00 00 01 14 00 00 00 00 05  03 00 00 00 00 00 01 14 00 00 00 00 06");
  Result<Consumed> r = reader.feed(b);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ready);
  EXPECT_EQ(r->bytes, 13u);
  Result<Consumed> again = reader.feed(ByteSpan(b).subspan(13));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ready);
  EXPECT_EQ(again->bytes, 0u);
  EXPECT_EQ(reader.take_message().payload, hex("05"));
}

void expect_error(const Bytes& b, Code code, const std::string& fragment,
                  ChunkReaderLimits limits = {}) {
  ChunkReader reader(limits);
  auto msgs = read_all(reader, b);
  ASSERT_FALSE(msgs.ok()) << fragment;
  EXPECT_EQ(msgs.error().code, code) << msgs.error().describe();
  EXPECT_NE(msgs.error().message.find(fragment), std::string::npos) << msgs.error().describe();
  // Dead afterwards, even for valid input.
  EXPECT_FALSE(reader.feed(hex("03 00 00 00 00 00 01 14 00 00 00 00 05")).ok());
}

TEST(ChunkReader, ProtocolViolations) {
  expect_error(hex("43 00 00 00 00 00 01 14 05"), Code::InvalidArgument, "expected fmt 0");
  expect_error(hex("83 00 00 00 05"), Code::InvalidArgument, "expected fmt 0");
  expect_error(hex("c3 05"), Code::InvalidArgument, "expected fmt 0");
  expect_error(concat({hex("03 00 00 00 00 00 c8 14 00 00 00 00"), filled(128, 0),
                       hex("03 00 00 00 00 00 01 14 00 00 00 00 05")}),
               Code::InvalidArgument, "while a message is incomplete");
}

TEST(ChunkReader, MessageSizeLimit) {
  expect_error(hex("06 00 00 00 80 00 01 09 01 00 00 00"), Code::ResourceExhausted,
               "exceeds the limit");
  expect_error(hex("06 00 00 00 00 01 00 09 01 00 00 00"), Code::ResourceExhausted,
               "exceeds the limit", {.max_message_size = 255});
}

TEST(ChunkReader, ChunkStreamCountLimit) {
  Bytes b;
  for (uint8_t id = 2; id < 10; ++id) {
    Bytes one = hex("00 00 00 00 00 00 01 14 00 00 00 00 05");
    one[0] = std::byte{id};
    b = concat({b, one});
  }
  expect_error(b, Code::ResourceExhausted, "chunk streams", {.max_chunk_streams = 4});
}

TEST(ChunkReader, InFlightLimit) {
  Bytes b;
  for (uint8_t id = 2; id < 6; ++id) {
    Bytes one = hex("00 00 00 00 00 00 c8 09 00 00 00 00");  // 200-byte messages, no payload yet
    one[0] = std::byte{id};
    b = concat({b, one, filled(128, id)});
  }
  expect_error(b, Code::ResourceExhausted, "interleaved", {.max_messages_in_flight = 3});
}

TEST(ChunkReader, BufferedBytesLimit) {
  Bytes b = concat({hex("06 00 00 00 00 01 00 09 01 00 00 00"), filled(128, 0)});
  expect_error(b, Code::ResourceExhausted, "buffered", {.max_buffered_bytes = 100});
}

TEST(ChunkReader, ErrorsNameTheStreamOffset) {
  ChunkReader reader;
  Result<Consumed> r = reader.feed(hex("43 00 00 00 00 00 01 14 05"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("at stream byte 8"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace antcdn::format::rtmp
