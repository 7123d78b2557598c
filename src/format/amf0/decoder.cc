#include "format/amf0/decoder.h"

#include <bit>
#include <string>
#include <string_view>
#include <utility>

#include "format/amf0/marker.h"

namespace antcdn::format::amf0 {

namespace {

std::string hex_byte(uint8_t b) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 0x0f];
}

class Decoder {
 public:
  Decoder(ByteReader& reader, const DecodeLimits& limits) : reader_(reader), limits_(limits) {}

  Result<Value> value(int depth) {
    size_t at = reader_.position();
    if (++values_ > limits_.max_values) {
      return make_error(
          Code::ResourceExhausted,
          "amf0: more than " + std::to_string(limits_.max_values) + " values in one message");
    }
    uint8_t marker = reader_.u8();
    if (!reader_.ok()) {
      return truncated("marker", at);
    }
    switch (static_cast<Marker>(marker)) {
      case Marker::Number: {
        auto v = std::bit_cast<double>(reader_.u64be());
        return reader_.ok() ? Result<Value>(Value::number(v)) : truncated("number", at);
      }
      case Marker::Boolean: {
        uint8_t v = reader_.u8();
        return reader_.ok() ? Result<Value>(Value::boolean(v != 0)) : truncated("boolean", at);
      }
      case Marker::String:
        return string(reader_.u16be(), at, false);
      case Marker::LongString:
        return string(reader_.u32be(), at, true);
      case Marker::Null:
        return Value::null();
      case Marker::Undefined:
        return Value::undefined();
      case Marker::Object:
        return object(false, depth, at);
      case Marker::EcmaArray: {
        // The count is only a hint (encoders get it wrong); the end marker rules.
        reader_.u32be();
        return object(true, depth, at);
      }
      case Marker::StrictArray:
        return strict_array(depth, at);
      case Marker::Date: {
        auto ms = std::bit_cast<double>(reader_.u64be());
        auto tz = static_cast<int16_t>(reader_.u16be());
        return reader_.ok() ? Result<Value>(Value::date(ms, tz)) : truncated("date", at);
      }
      case Marker::ObjectEnd:
        return make_error(
            Code::InvalidArgument,
            "amf0: object-end marker outside an object at offset " + std::to_string(at));
      default:
        return make_error(Code::Unsupported, "amf0: unsupported marker " + hex_byte(marker) +
                                                 " at offset " + std::to_string(at));
    }
  }

 private:
  Result<Value> string(uint32_t length, size_t at, bool long_form) {
    ByteSpan b = reader_.bytes(length);
    if (!reader_.ok()) {
      return truncated(long_form ? "long string" : "string", at);
    }
    std::string s(as_chars(b));
    return long_form ? Value::long_string(std::move(s)) : Value::string(std::move(s));
  }

  // Reads key/value pairs until the empty-key + object-end sequence.
  Result<Value> object(bool ecma, int depth, size_t at) {
    if (depth >= limits_.max_depth) {
      return too_deep(at);
    }
    Properties props;
    while (true) {
      uint16_t key_length = reader_.u16be();
      ByteSpan key = reader_.bytes(key_length);
      if (!reader_.ok()) {
        return truncated("object key", at);
      }
      if (key_length == 0 && next_is_object_end()) {
        reader_.skip(1);
        break;
      }
      Result<Value> v = value(depth + 1);
      if (!v.ok()) {
        return v.error();
      }
      props.push_back(Property{std::string(as_chars(key)), std::move(v).value()});
    }
    return ecma ? Value::ecma_array(std::move(props)) : Value::object(std::move(props));
  }

  bool next_is_object_end() const {
    ByteReader probe = reader_;  // a copy: ByteReader has no peek
    return probe.u8() == static_cast<uint8_t>(Marker::ObjectEnd) && probe.ok();
  }

  Result<Value> strict_array(int depth, size_t at) {
    if (depth >= limits_.max_depth) {
      return too_deep(at);
    }
    uint32_t count = reader_.u32be();
    if (!reader_.ok()) {
      return truncated("strict array", at);
    }
    // Every element takes at least one byte, so a larger count is a lie; this
    // check also keeps reserve() from allocating on the peer's say-so.
    if (count > reader_.remaining()) {
      return truncated("strict array", at);
    }
    std::vector<Value> items;
    items.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      Result<Value> v = value(depth + 1);
      if (!v.ok()) {
        return v.error();
      }
      items.push_back(std::move(v).value());
    }
    return Value::strict_array(std::move(items));
  }

  static Error truncated(const char* what, size_t at) {
    return make_error(Code::InvalidArgument,
                      std::string("amf0: truncated ") + what + " at offset " + std::to_string(at));
  }

  Error too_deep(size_t at) const {
    return make_error(Code::ResourceExhausted, "amf0: nesting deeper than " +
                                                   std::to_string(limits_.max_depth) +
                                                   " at offset " + std::to_string(at));
  }

  ByteReader& reader_;
  const DecodeLimits& limits_;
  size_t values_ = 0;
};

}  // namespace

Result<Value> decode(ByteReader& reader, const DecodeLimits& limits) {
  return Decoder(reader, limits).value(0);
}

Result<std::vector<Value>> decode_all(ByteSpan data, const DecodeLimits& limits) {
  ByteReader reader(data);
  Decoder decoder(reader, limits);
  std::vector<Value> out;
  while (!reader.empty()) {
    Result<Value> v = decoder.value(0);
    if (!v.ok()) {
      return v.error();
    }
    out.push_back(std::move(v).value());
  }
  return out;
}

}  // namespace antcdn::format::amf0
