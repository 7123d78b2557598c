#pragma once

// One AMF0 value. RTMP commands and metadata are small trees of these; the type
// is a plain tagged struct rather than a std::variant because it is recursive
// (objects hold values) and std::variant cannot hold incomplete types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace antcdn::format::amf0 {

enum class Type : uint8_t {
  Number,
  Boolean,
  String,
  Object,
  Null,
  Undefined,
  EcmaArray,
  StrictArray,
  Date,
  LongString,
};

std::string_view type_name(Type type);

struct Property;
using Properties = std::vector<Property>;

class Value {
 public:
  Value() = default;  // Null

  static Value number(double v);
  // The encoder switches to the long-string marker by itself when `v` is longer
  // than 65535 bytes, so callers need long_string() only to force that marker.
  static Value string(std::string v);
  static Value long_string(std::string v);
  static Value boolean(bool v);
  // Overloads rather than `= {}` defaults: a default argument would need
  // Property complete here, and it cannot be before Value is.
  static Value object();
  static Value object(Properties properties);
  static Value ecma_array();
  static Value ecma_array(Properties properties);
  static Value strict_array();
  static Value strict_array(std::vector<Value> items);
  static Value date(double unix_ms, int16_t timezone = 0);
  static Value null();
  static Value undefined();

  Type type() const { return type_; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_boolean() const { return type_ == Type::Boolean; }
  bool is_string() const { return type_ == Type::String || type_ == Type::LongString; }
  // Object and ECMA array both map string keys to values; encoders use either
  // for command objects and metadata, so lookups treat them alike.
  bool is_object() const { return type_ == Type::Object || type_ == Type::EcmaArray; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_undefined() const { return type_ == Type::Undefined; }

  // Accessors return a neutral value (0, false, empty) for other types, so that
  // lenient lookups in command handling need no type checks of their own.
  double as_number() const { return type_ == Type::Number || type_ == Type::Date ? number_ : 0; }
  bool as_boolean() const { return type_ == Type::Boolean && boolean_; }
  const std::string& as_string() const;
  const Properties& properties() const;
  const std::vector<Value>& items() const;
  int16_t timezone() const { return timezone_; }

  // Object-like lookups; the first property with `key` wins.
  const Value* find(std::string_view key) const;
  std::optional<std::string_view> find_string(std::string_view key) const;
  std::optional<double> find_number(std::string_view key) const;
  std::optional<bool> find_boolean(std::string_view key) const;

  // Replaces the first property named `key`, or appends one. Ignored unless
  // the value is object-like.
  void set(std::string key, Value value);

  friend bool operator==(const Value& a, const Value& b);

 private:
  Type type_ = Type::Null;
  bool boolean_ = false;
  int16_t timezone_ = 0;
  double number_ = 0;
  std::string string_;
  std::vector<Property> properties_;
  std::vector<Value> items_;
};

struct Property {
  std::string key;
  Value value;

  friend bool operator==(const Property& a, const Property& b) {
    return a.key == b.key && a.value == b.value;
  }
};

}  // namespace antcdn::format::amf0
