#pragma once

// MSB-first bit reading for codec headers (H.264 SPS, AAC AudioSpecificConfig).
// Like ByteReader it never reads past its span: a short read sets a sticky
// failure flag and yields zeros, so callers check ok() after a group of reads.

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"

namespace antcdn {

class BitReader {
 public:
  explicit BitReader(ByteSpan data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t bits_left() const { return data_.size() * 8 - pos_; }

  // Reads n (0..32) bits as an unsigned big-endian number.
  uint32_t bits(int n) {
    if (n < 0 || n > 32 || static_cast<size_t>(n) > bits_left()) {
      ok_ = false;
      pos_ = data_.size() * 8;
      return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      auto byte = static_cast<uint8_t>(data_[pos_ >> 3]);
      v = (v << 1) | ((byte >> (7 - (pos_ & 7))) & 1u);
      ++pos_;
    }
    return v;
  }
  bool flag() { return bits(1) != 0; }
  void skip(size_t n) {
    if (n > bits_left()) {
      ok_ = false;
      pos_ = data_.size() * 8;
      return;
    }
    pos_ += n;
  }

  // Unsigned exp-Golomb (H.264 ue(v)). More than 31 leading zeros cannot be a
  // valid 32-bit code, so it fails instead of overflowing.
  uint32_t ue() {
    int zeros = 0;
    while (ok_ && bits(1) == 0) {
      if (++zeros > 31) {
        ok_ = false;
        return 0;
      }
    }
    if (!ok_) {
      return 0;
    }
    uint64_t v = (uint64_t{1} << zeros) - 1 + bits(zeros);
    return v > UINT32_MAX ? (ok_ = false, 0) : static_cast<uint32_t>(v);
  }
  // Signed exp-Golomb (H.264 se(v)): 1, 2, 3, 4 ... map to 1, -1, 2, -2 ...
  int32_t se() {
    uint32_t k = ue();
    auto magnitude = static_cast<int32_t>((k + 1) / 2);
    return (k & 1) ? magnitude : -magnitude;
  }

 private:
  ByteSpan data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace antcdn
