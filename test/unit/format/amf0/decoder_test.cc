#include "format/amf0/decoder.h"

#include <gtest/gtest.h>

#include "format/amf0/encoder.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::amf0 {
namespace {

using test::hex;

constexpr const char* kOne = "3f f0 00 00 00 00 00 00";  // 1.0 as a big-endian double

Result<Value> decode_one(const Bytes& bytes, const DecodeLimits& limits = {}) {
  ByteReader r(bytes);
  Result<Value> v = decode(r, limits);
  if (v.ok()) {
    EXPECT_TRUE(r.empty()) << "decode left " << r.remaining() << " bytes";
  }
  return v;
}

TEST(Amf0Decoder, Scalars) {
  EXPECT_EQ(*decode_one(hex(std::string("00 ") + kOne)), Value::number(1.0));
  EXPECT_EQ(*decode_one(hex("01 01")), Value::boolean(true));
  EXPECT_EQ(*decode_one(hex("01 00")), Value::boolean(false));
  EXPECT_EQ(*decode_one(hex("02 00 03 61 62 63")), Value::string("abc"));
  EXPECT_EQ(*decode_one(hex("02 00 00")), Value::string(""));
  EXPECT_EQ(*decode_one(hex("05")), Value::null());
  EXPECT_EQ(*decode_one(hex("06")), Value::undefined());
  EXPECT_EQ(*decode_one(hex("0c 00 00 00 02 61 62")), Value::long_string("ab"));
  EXPECT_EQ(*decode_one(hex(std::string("0b ") + kOne + " ff c4")), Value::date(1.0, -60));
}

TEST(Amf0Decoder, ObjectKeepsOrderAndDuplicates) {
  Bytes b =
      hex(std::string("03 00 01 62 00 ") + kOne + " 00 01 61 02 00 01 78 00 01 62 05 00 00 09");
  Value v = *decode_one(b);
  ASSERT_EQ(v.type(), Type::Object);
  ASSERT_EQ(v.properties().size(), 3u);
  EXPECT_EQ(v.properties()[0].key, "b");
  EXPECT_EQ(v.properties()[1].key, "a");
  EXPECT_EQ(v.find_number("b"), 1.0);
  EXPECT_EQ(v.find_string("a"), "x");
}

TEST(Amf0Decoder, EcmaArrayIgnoresWrongCount) {
  Value v = *decode_one(hex("08 00 00 00 05 00 01 61 05 00 00 09"));
  ASSERT_EQ(v.type(), Type::EcmaArray);
  EXPECT_EQ(v.properties().size(), 1u);
  EXPECT_TRUE(v.find("a")->is_null());
}

TEST(Amf0Decoder, StrictArray) {
  Value v = *decode_one(hex(std::string("0a 00 00 00 02 00 ") + kOne + " 05"));
  ASSERT_EQ(v.type(), Type::StrictArray);
  ASSERT_EQ(v.items().size(), 2u);
  EXPECT_EQ(v.items()[0], Value::number(1));
  EXPECT_TRUE(v.items()[1].is_null());
}

TEST(Amf0Decoder, EmptyKeyWithoutEndMarkerIsAProperty) {
  Value v = *decode_one(hex("03 00 00 05 00 00 09"));
  ASSERT_EQ(v.properties().size(), 1u);
  EXPECT_EQ(v.properties()[0].key, "");
}

TEST(Amf0Decoder, DecodeAllConnectCommand) {
  Bytes b =
      hex("02 00 07 63 6f 6e 6e 65 63 74"              // "connect"
          "00 3f f0 00 00 00 00 00 00"                 // 1.0
          "03 00 03 61 70 70 02 00 04 6c 69 76 65"     // {app: "live"
          "00 05 74 63 55 72 6c 02 00 04 72 74 6d 70"  //  tcUrl: "rtmp"}
          "00 00 09");
  Result<std::vector<Value>> v = decode_all(b);
  ASSERT_TRUE(v.ok()) << v.error().describe();
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0].as_string(), "connect");
  EXPECT_EQ((*v)[1].as_number(), 1.0);
  EXPECT_EQ((*v)[2].find_string("app"), "live");
  EXPECT_EQ((*v)[2].find_string("tcUrl"), "rtmp");
}

TEST(Amf0Decoder, DecodeAllEmptyIsEmpty) {
  Result<std::vector<Value>> v = decode_all({});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());
}

TEST(Amf0Decoder, TruncatedInputsFail) {
  for (const char* text : {"", "00 3f f0", "01", "02 00", "02 00 05 61 62 63", "0c 00 00 01",
                           "03 00 01 61", "03 00 01 61 05", "03 00 01 61 05 00 00", "08 00 00",
                           "0a 00 00 00 02 05", "0b 00 00 00 00 00 00 00 00 00"}) {
    Result<Value> v = decode_one(hex(text));
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_EQ(v.error().code, Code::InvalidArgument) << text;
    EXPECT_NE(v.error().message.find("truncated"), std::string::npos) << v.error().message;
  }
}

TEST(Amf0Decoder, EveryPrefixOfAValidEncodingFailsCleanly) {
  Value nested = Value::object({
      {"a", Value::strict_array({Value::number(1), Value::string("x"), Value::null()})},
      {"b", Value::ecma_array({{"c", Value::boolean(true)}, {"d", Value::date(5, 0)}})},
      {"e", Value::long_string("long")},
  });
  ByteWriter w;
  encode(nested, w);
  const Bytes& full = w.data();
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode_one(prefix).ok()) << "prefix " << n;
  }
  EXPECT_EQ(*decode_one(full), nested);
}

TEST(Amf0Decoder, RejectsUnsupportedMarkers) {
  for (const char* text :
       {"04", "07 00 01", "0d", "0e", "0f 00 00 00 00", "10 00 00", "11 01", "12", "ff"}) {
    Result<Value> v = decode_one(hex(text));
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_EQ(v.error().code, Code::Unsupported) << text;
    EXPECT_NE(v.error().message.find("unsupported marker 0x"), std::string::npos);
  }
}

TEST(Amf0Decoder, ObjectEndOutsideObjectFails) {
  Result<Value> v = decode_one(hex("09"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::InvalidArgument);
}

Bytes nested_objects(int depth) {
  Bytes b;
  for (int i = 0; i < depth; ++i) {
    Bytes open = hex("03 00 01 6b");  // {k:
    b.insert(b.end(), open.begin(), open.end());
  }
  b.push_back(std::byte{0x05});  // null
  for (int i = 0; i < depth; ++i) {
    Bytes close = hex("00 00 09");
    b.insert(b.end(), close.begin(), close.end());
  }
  return b;
}

TEST(Amf0Decoder, NestingDepthLimit) {
  EXPECT_TRUE(decode_one(nested_objects(32)).ok());
  Result<Value> v = decode_one(nested_objects(33));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::ResourceExhausted);
  EXPECT_NE(v.error().message.find("nesting"), std::string::npos);
  EXPECT_FALSE(decode_one(nested_objects(5), DecodeLimits{.max_depth = 4}).ok());
}

TEST(Amf0Decoder, DeepStrictArraysAreLimitedToo) {
  Bytes b;
  for (int i = 0; i < 100000; ++i) {
    Bytes open = hex("0a 00 00 00 01");
    b.insert(b.end(), open.begin(), open.end());
  }
  b.push_back(std::byte{0x05});
  Result<Value> v = decode_one(b);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::ResourceExhausted);
}

TEST(Amf0Decoder, StrictArrayCountLargerThanInputFailsWithoutAllocating) {
  Result<Value> v = decode_one(hex("0a ff ff ff ff 05 05"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::InvalidArgument);
}

TEST(Amf0Decoder, ValueCountLimit) {
  Bytes b = hex("0a 00 00 00 0a 05 05 05 05 05 05 05 05 05 05");
  EXPECT_TRUE(decode_one(b).ok());
  Result<Value> v = decode_one(b, DecodeLimits{.max_values = 10});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::ResourceExhausted);
  // decode_all counts across the values of one message.
  EXPECT_FALSE(decode_all(hex("05 05 05"), DecodeLimits{.max_values = 2}).ok());
}

TEST(Amf0Decoder, DecodeAllFailsOnTrailingGarbage) {
  EXPECT_FALSE(decode_all(hex("05 02 00")).ok());
}

}  // namespace
}  // namespace antcdn::format::amf0
