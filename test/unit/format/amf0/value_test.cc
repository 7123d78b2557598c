#include "format/amf0/value.h"

#include <gtest/gtest.h>

namespace antcdn::format::amf0 {
namespace {

Value sample() {
  return Value::object({
      {"app", Value::string("live")},
      {"audioCodecs", Value::number(3575)},
      {"fpad", Value::boolean(false)},
      {"app", Value::string("shadowed")},
  });
}

TEST(Amf0Value, DefaultIsNull) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.type(), Type::Null);
  EXPECT_EQ(v, Value::null());
}

TEST(Amf0Value, FindReturnsFirstMatchAndTypedLookups) {
  Value v = sample();
  ASSERT_NE(v.find("app"), nullptr);
  EXPECT_EQ(v.find_string("app"), "live");
  EXPECT_EQ(v.find_number("audioCodecs"), 3575);
  EXPECT_EQ(v.find_boolean("fpad"), false);
  EXPECT_EQ(v.find("missing"), nullptr);
  // Wrong type: no value rather than a converted one.
  EXPECT_FALSE(v.find_number("app").has_value());
  EXPECT_FALSE(v.find_string("audioCodecs").has_value());
}

TEST(Amf0Value, EcmaArrayIsObjectLike) {
  Value v = Value::ecma_array({{"width", Value::number(1280)}});
  EXPECT_TRUE(v.is_object());
  EXPECT_EQ(v.find_number("width"), 1280);
}

TEST(Amf0Value, NonObjectLookupsAreEmpty) {
  EXPECT_EQ(Value::number(1).find("x"), nullptr);
  EXPECT_TRUE(Value::string("s").properties().empty());
  EXPECT_TRUE(Value::number(1).items().empty());
}

TEST(Amf0Value, NeutralAccessors) {
  EXPECT_EQ(Value::string("x").as_number(), 0);
  EXPECT_EQ(Value::number(2).as_string(), "");
  EXPECT_FALSE(Value::number(1).as_boolean());
  EXPECT_EQ(Value::date(1000.0, 60).as_number(), 1000.0);
  EXPECT_EQ(Value::date(1000.0, 60).timezone(), 60);
  EXPECT_EQ(Value::long_string("abc").as_string(), "abc");
  EXPECT_TRUE(Value::long_string("abc").is_string());
}

TEST(Amf0Value, SetReplacesOrAppends) {
  Value v = sample();
  v.set("app", Value::string("other"));
  EXPECT_EQ(v.find_string("app"), "other");
  EXPECT_EQ(v.properties().size(), 4u);
  v.set("new", Value::null());
  EXPECT_EQ(v.properties().size(), 5u);
  Value n = Value::number(1);
  n.set("x", Value::null());
  EXPECT_EQ(n, Value::number(1));
}

TEST(Amf0Value, EqualityIsDeepAndTyped) {
  EXPECT_EQ(sample(), sample());
  EXPECT_NE(Value::string("a"), Value::long_string("a"));
  EXPECT_NE(Value::null(), Value::undefined());
  EXPECT_NE(Value::object({{"a", Value::number(1)}}), Value::ecma_array({{"a", Value::number(1)}}));
  EXPECT_NE(Value::strict_array({Value::number(1)}), Value::strict_array({Value::number(2)}));
  EXPECT_NE(Value::date(1, 0), Value::date(1, 1));
}

TEST(Amf0Value, TypeNames) {
  EXPECT_EQ(type_name(Type::EcmaArray), "ecma-array");
  EXPECT_EQ(type_name(Type::LongString), "long-string");
}

}  // namespace
}  // namespace antcdn::format::amf0
