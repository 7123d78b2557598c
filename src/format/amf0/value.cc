#include "format/amf0/value.h"

#include <utility>

namespace antcdn::format::amf0 {

namespace {

// Returned by reference from accessors of values of another type.
const std::string& empty_string() {
  static const std::string empty;
  return empty;
}
const Properties& empty_properties() {
  static const Properties empty;
  return empty;
}
const std::vector<Value>& empty_items() {
  static const std::vector<Value> empty;
  return empty;
}

}  // namespace

std::string_view type_name(Type type) {
  switch (type) {
    case Type::Number:
      return "number";
    case Type::Boolean:
      return "boolean";
    case Type::String:
      return "string";
    case Type::Object:
      return "object";
    case Type::Null:
      return "null";
    case Type::Undefined:
      return "undefined";
    case Type::EcmaArray:
      return "ecma-array";
    case Type::StrictArray:
      return "strict-array";
    case Type::Date:
      return "date";
    case Type::LongString:
      return "long-string";
  }
  return "unknown";
}

Value Value::number(double v) {
  Value out;
  out.type_ = Type::Number;
  out.number_ = v;
  return out;
}

Value Value::string(std::string v) {
  Value out;
  out.type_ = Type::String;
  out.string_ = std::move(v);
  return out;
}

Value Value::long_string(std::string v) {
  Value out;
  out.type_ = Type::LongString;
  out.string_ = std::move(v);
  return out;
}

Value Value::boolean(bool v) {
  Value out;
  out.type_ = Type::Boolean;
  out.boolean_ = v;
  return out;
}

Value Value::object() {
  return object(Properties());
}
Value Value::ecma_array() {
  return ecma_array(Properties());
}
Value Value::strict_array() {
  return strict_array(std::vector<Value>());
}

Value Value::object(Properties properties) {
  Value out;
  out.type_ = Type::Object;
  out.properties_ = std::move(properties);
  return out;
}

Value Value::ecma_array(Properties properties) {
  Value out;
  out.type_ = Type::EcmaArray;
  out.properties_ = std::move(properties);
  return out;
}

Value Value::strict_array(std::vector<Value> items) {
  Value out;
  out.type_ = Type::StrictArray;
  out.items_ = std::move(items);
  return out;
}

Value Value::date(double unix_ms, int16_t timezone) {
  Value out;
  out.type_ = Type::Date;
  out.number_ = unix_ms;
  out.timezone_ = timezone;
  return out;
}

Value Value::null() {
  return {};
}

Value Value::undefined() {
  Value out;
  out.type_ = Type::Undefined;
  return out;
}

const std::string& Value::as_string() const {
  return is_string() ? string_ : empty_string();
}

const Properties& Value::properties() const {
  return is_object() ? properties_ : empty_properties();
}

const std::vector<Value>& Value::items() const {
  return type_ == Type::StrictArray ? items_ : empty_items();
}

const Value* Value::find(std::string_view key) const {
  for (const Property& p : properties()) {
    if (p.key == key) {
      return &p.value;
    }
  }
  return nullptr;
}

std::optional<std::string_view> Value::find_string(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string_view(v->as_string());
}

std::optional<double> Value::find_number(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_number()) {
    return std::nullopt;
  }
  return v->as_number();
}

std::optional<bool> Value::find_boolean(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_boolean()) {
    return std::nullopt;
  }
  return v->as_boolean();
}

void Value::set(std::string key, Value value) {
  if (!is_object()) {
    return;
  }
  for (Property& p : properties_) {
    if (p.key == key) {
      p.value = std::move(value);
      return;
    }
  }
  properties_.push_back(Property{std::move(key), std::move(value)});
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) {
    return false;
  }
  switch (a.type_) {
    case Type::Number:
      return a.number_ == b.number_;
    case Type::Date:
      return a.number_ == b.number_ && a.timezone_ == b.timezone_;
    case Type::Boolean:
      return a.boolean_ == b.boolean_;
    case Type::String:
    case Type::LongString:
      return a.string_ == b.string_;
    case Type::Object:
    case Type::EcmaArray:
      return a.properties_ == b.properties_;
    case Type::StrictArray:
      return a.items_ == b.items_;
    case Type::Null:
    case Type::Undefined:
      return true;
  }
  return false;
}

}  // namespace antcdn::format::amf0
