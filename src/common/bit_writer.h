#pragma once

// MSB-first bit writing for codec headers whose fields are not byte aligned
// (e.g. AAC AudioSpecificConfig). take() pads the last byte with zero bits.

#include <cstdint>

#include "common/bytes.h"

namespace antcdn {

class BitWriter {
 public:
  // Appends the low n (0..32) bits of v, most significant first.
  void bits(int n, uint32_t v) {
    for (int i = n - 1; i >= 0; --i) {
      if (used_ == 0) {
        buf_.push_back(std::byte{0});
      }
      if ((v >> i) & 1u) {
        buf_.back() |= std::byte{static_cast<uint8_t>(0x80u >> used_)};
      }
      used_ = (used_ + 1) & 7;
    }
  }
  void flag(bool b) { bits(1, b ? 1 : 0); }

  Bytes take() && { return std::move(buf_); }

 private:
  Bytes buf_;
  int used_ = 0;  // bits used in the last byte; 0 means it is full (or none yet)
};

}  // namespace antcdn
