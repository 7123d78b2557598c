#include "support/format/flv_reader.h"

#include <gtest/gtest.h>

namespace antcdn::format::flv {
namespace {

// Appends one tag with its PreviousTagSize.
void add_tag(ByteWriter& w, uint8_t type, uint32_t timestamp, std::initializer_list<int> body,
             int previous_tag_size_delta = 0) {
  w.u8(type);
  w.u24be(static_cast<uint32_t>(body.size()));
  w.u24be(timestamp & 0xffffff);
  w.u8(static_cast<uint8_t>(timestamp >> 24));
  w.u24be(0);
  for (int x : body) {
    w.u8(static_cast<uint8_t>(x));
  }
  w.u32be(static_cast<uint32_t>(11 + body.size() + previous_tag_size_delta));
}

Bytes header(uint8_t flags = 0x05) {
  ByteWriter w;
  w.str("FLV");
  w.u8(1);
  w.u8(flags);
  w.u32be(9);
  w.u32be(0);
  return std::move(w).take();
}

TEST(FlvReader, ReadsHeaderAndTags) {
  ByteWriter w(header());
  add_tag(w, 9, 0, {0x17, 0x00, 0x00, 0x00, 0x00});
  add_tag(w, 8, 0x01020304, {0xaf, 0x01, 0x21});
  add_tag(w, 18, 0, {0x02});
  Bytes data = std::move(w).take();
  auto file = read_flv_file(data);
  ASSERT_TRUE(file.ok()) << file.error().describe();
  EXPECT_TRUE(file->header.has_audio);
  EXPECT_TRUE(file->header.has_video);
  ASSERT_EQ(file->tags.size(), 3u);
  EXPECT_EQ(file->tags[0].type, TagType::Video);
  EXPECT_EQ(file->tags[0].body.size(), 5u);
  EXPECT_EQ(file->tags[1].type, TagType::Audio);
  EXPECT_EQ(file->tags[1].timestamp_ms, 0x01020304u);  // extension byte is the top 8 bits
  EXPECT_EQ(file->tags[2].type, TagType::ScriptData);
}

TEST(FlvReader, StreamingAsksForMoreUntilATagIsComplete) {
  ByteWriter w(header());
  add_tag(w, 9, 40, {0x27, 0x01, 0x00, 0x00, 0x00, 0xaa});
  Bytes data = std::move(w).take();
  FlvReader reader;
  size_t pos = 0;
  size_t available = 0;
  int tags = 0;
  // Offer one more byte at a time, as a socket might.
  while (pos < data.size()) {
    ++available;
    auto step = reader.next(ByteSpan(data).subspan(pos, available - pos));
    ASSERT_TRUE(step.ok()) << step.error().describe();
    if (step->consumed > 0) {
      pos += step->consumed;
      tags += step->tag ? 1 : 0;
      if (step->tag) {
        EXPECT_EQ(step->tag->timestamp_ms, 40u);
      }
    }
  }
  EXPECT_EQ(tags, 1);
  EXPECT_EQ(available, data.size());
}

TEST(FlvReader, RejectsBadSignatureSizeAndBackPointer) {
  Bytes bad_signature = header();
  bad_signature[0] = std::byte{'G'};
  EXPECT_FALSE(read_flv_file(bad_signature).ok());

  Bytes bad_offset = header();
  bad_offset[8] = std::byte{5};
  EXPECT_FALSE(read_flv_file(bad_offset).ok());
  bad_offset[5] = std::byte{0x7f};  // ~2 GiB header: refused, not awaited
  FlvReader reader;
  EXPECT_FALSE(reader.next(bad_offset).ok());

  ByteWriter w(header());
  add_tag(w, 9, 0, {0x17, 0x00}, 1);
  auto wrong = read_flv_file(std::move(w).take());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("PreviousTagSize"), std::string::npos);

  ByteWriter t(header());
  add_tag(t, 7, 0, {0x00});
  EXPECT_FALSE(read_flv_file(std::move(t).take()).ok());
}

TEST(FlvReader, TruncatedFileIsAnErrorNotACrash) {
  ByteWriter w(header());
  add_tag(w, 9, 0, {0x17, 0x00, 0x00, 0x00, 0x00});
  Bytes data = std::move(w).take();
  for (size_t n = 0; n < data.size(); ++n) {
    // A header with no tags (13 bytes) is a complete, empty file.
    EXPECT_EQ(read_flv_file(ByteSpan(data).first(n)).ok(), n == 13) << n;
  }
  EXPECT_TRUE(read_flv_file(data).ok());
}

TEST(FlvReader, SkipsLongerHeader) {
  ByteWriter w;
  w.str("FLV");
  w.u8(1);
  w.u8(0x01);
  w.u32be(12);
  w.zeros(3);
  w.u32be(0);
  add_tag(w, 9, 0, {0x17, 0x02, 0x00, 0x00, 0x00});
  auto file = read_flv_file(std::move(w).take());
  ASSERT_TRUE(file.ok()) << file.error().describe();
  EXPECT_FALSE(file->header.has_audio);
  EXPECT_EQ(file->tags.size(), 1u);
}

}  // namespace
}  // namespace antcdn::format::flv
