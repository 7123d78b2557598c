#include "format/amf0/encoder.h"

#include <bit>
#include <limits>
#include <string_view>

#include "format/amf0/marker.h"

namespace antcdn::format::amf0 {

namespace {

void marker(Marker m, ByteWriter& out) {
  out.u8(static_cast<uint8_t>(m));
}

void write_key(std::string_view key, ByteWriter& out) {
  key = key.substr(0, std::numeric_limits<uint16_t>::max());
  out.u16be(static_cast<uint16_t>(key.size()));
  out.str(key);
}

void write_properties(const Properties& properties, ByteWriter& out) {
  for (const Property& p : properties) {
    write_key(p.key, out);
    encode(p.value, out);
  }
  out.u16be(0);
  marker(Marker::ObjectEnd, out);
}

}  // namespace

void encode(const Value& value, ByteWriter& out) {
  switch (value.type()) {
    case Type::Number:
      marker(Marker::Number, out);
      out.u64be(std::bit_cast<uint64_t>(value.as_number()));
      return;
    case Type::Boolean:
      marker(Marker::Boolean, out);
      out.u8(value.as_boolean() ? 1 : 0);
      return;
    case Type::String:
    case Type::LongString: {
      const std::string& s = value.as_string();
      if (value.type() == Type::String && s.size() <= std::numeric_limits<uint16_t>::max()) {
        marker(Marker::String, out);
        out.u16be(static_cast<uint16_t>(s.size()));
      } else {
        marker(Marker::LongString, out);
        out.u32be(static_cast<uint32_t>(s.size()));
      }
      out.str(s);
      return;
    }
    case Type::Object:
      marker(Marker::Object, out);
      write_properties(value.properties(), out);
      return;
    case Type::EcmaArray:
      marker(Marker::EcmaArray, out);
      out.u32be(static_cast<uint32_t>(value.properties().size()));
      write_properties(value.properties(), out);
      return;
    case Type::StrictArray:
      marker(Marker::StrictArray, out);
      out.u32be(static_cast<uint32_t>(value.items().size()));
      for (const Value& item : value.items()) {
        encode(item, out);
      }
      return;
    case Type::Date:
      marker(Marker::Date, out);
      out.u64be(std::bit_cast<uint64_t>(value.as_number()));
      out.u16be(static_cast<uint16_t>(value.timezone()));
      return;
    case Type::Null:
      marker(Marker::Null, out);
      return;
    case Type::Undefined:
      marker(Marker::Undefined, out);
      return;
  }
}

void encode_all(std::span<const Value> values, ByteWriter& out) {
  for (const Value& v : values) {
    encode(v, out);
  }
}

Bytes encode_all(std::initializer_list<Value> values) {
  ByteWriter out;
  encode_all(std::span<const Value>(values.begin(), values.size()), out);
  return std::move(out).take();
}

}  // namespace antcdn::format::amf0
