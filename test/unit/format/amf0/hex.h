#pragma once

// Hex literals for hand-built wire bytes in format tests: hex("02 00 03 61 62").

#include <cctype>
#include <string_view>

#include "common/bytes.h"

namespace antcdn::test {

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

}  // namespace antcdn::test
