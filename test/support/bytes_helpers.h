#pragma once

// Small byte helpers for tests that hand-build wire data:
//   bytes({0x17, 0x00, 'a'})       literal bytes from ints
//   hex("02 00 03 61 62")          hex digits; anything else (spaces) is skipped
//   concat({a, hex("c6"), span})   one buffer from several spans
//   u32_at(span, 8), u16_at(...)   big-endian reads at an offset

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "common/bytes.h"

namespace antcdn::test {

inline Bytes bytes(std::initializer_list<int> values) {
  Bytes out;
  out.reserve(values.size());
  for (int v : values) {
    out.push_back(static_cast<std::byte>(v));
  }
  return out;
}

inline Bytes hex(std::string_view text) {
  Bytes out;
  int nibble = -1;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      continue;
    }
    int v = std::isdigit(static_cast<unsigned char>(c)) != 0
                ? c - '0'
                : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<std::byte>(nibble * 16 + v));
      nibble = -1;
    }
  }
  return out;
}

inline Bytes concat(std::initializer_list<ByteSpan> parts) {
  Bytes out;
  for (ByteSpan p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

inline uint32_t u32_at(ByteSpan s, size_t offset) {
  ByteReader r(s.subspan(offset));
  return r.u32be();
}

inline uint16_t u16_at(ByteSpan s, size_t offset) {
  ByteReader r(s.subspan(offset));
  return r.u16be();
}

}  // namespace antcdn::test
