#include "format/amf0/encoder.h"

#include <string>

#include <gtest/gtest.h>

#include "format/amf0/decoder.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::amf0 {
namespace {

using test::hex;

Bytes encoded(const Value& v) {
  ByteWriter w;
  encode(v, w);
  return std::move(w).take();
}

TEST(Amf0Encoder, ExactBytes) {
  EXPECT_EQ(encoded(Value::number(1.0)), hex("00 3f f0 00 00 00 00 00 00"));
  EXPECT_EQ(encoded(Value::boolean(true)), hex("01 01"));
  EXPECT_EQ(encoded(Value::string("abc")), hex("02 00 03 61 62 63"));
  EXPECT_EQ(encoded(Value::null()), hex("05"));
  EXPECT_EQ(encoded(Value::undefined()), hex("06"));
  EXPECT_EQ(encoded(Value::long_string("ab")), hex("0c 00 00 00 02 61 62"));
  EXPECT_EQ(encoded(Value::date(0, -60)), hex("0b 00 00 00 00 00 00 00 00 ff c4"));
  EXPECT_EQ(encoded(Value::object({{"a", Value::null()}})), hex("03 00 01 61 05 00 00 09"));
  EXPECT_EQ(encoded(Value::ecma_array({{"a", Value::null()}})),
            hex("08 00 00 00 01 00 01 61 05 00 00 09"));
  EXPECT_EQ(encoded(Value::strict_array({Value::null(), Value::undefined()})),
            hex("0a 00 00 00 02 05 06"));
}

TEST(Amf0Encoder, LongStringsSwitchMarker) {
  std::string s(65535, 'x');
  EXPECT_EQ(encoded(Value::string(s))[0], std::byte{0x02});
  s.push_back('y');
  Bytes b = encoded(Value::string(s));
  EXPECT_EQ(b[0], std::byte{0x0c});
  EXPECT_EQ(b.size(), 1 + 4 + s.size());
  ByteReader r(b);
  Result<Value> back = decode(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->as_string(), s);
}

TEST(Amf0Encoder, OverlongKeysAreClipped) {
  std::string key(70000, 'k');
  Bytes b = encoded(Value::object({{key, Value::null()}}));
  ByteReader r(b);
  Result<Value> back = decode(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->properties()[0].key.size(), 65535u);
}

TEST(Amf0Encoder, RoundTripOfEveryType) {
  std::vector<Value> values = {
      Value::number(-12.5),
      Value::boolean(true),
      Value::string("caf\xc3\xa9"),
      Value::long_string("long"),
      Value::null(),
      Value::undefined(),
      Value::date(1700000000000.0, 0),
      Value::object({{"x", Value::number(1)}, {"y", Value::object({{"z", Value::string("")}})}}),
      Value::ecma_array({{"duration", Value::number(0)}, {"encoder", Value::string("Lavf")}}),
      Value::strict_array({Value::number(1), Value::strict_array({}), Value::object({})}),
  };
  ByteWriter w;
  encode_all(values, w);
  Result<std::vector<Value>> back = decode_all(w.data());
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, values);
}

TEST(Amf0Encoder, EncodeAllInitializerList) {
  EXPECT_EQ(encode_all({Value::null(), Value::boolean(false)}), hex("05 01 00"));
}

}  // namespace
}  // namespace antcdn::format::amf0
