#pragma once

// Byte-span reading and writing for the sans-I/O format code. ByteReader never
// reads past its span: a short read sets a sticky failure flag and yields zeros,
// so parsers check ok() once after a group of reads instead of after each one.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace antcdn {

using Bytes = std::vector<std::byte>;
using ByteSpan = std::span<const std::byte>;

inline ByteSpan as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(std::string_view s) {
  auto b = as_bytes(s);
  return {b.begin(), b.end()};
}

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }

  uint8_t u8() { return static_cast<uint8_t>(read_be(1)); }
  uint16_t u16be() { return static_cast<uint16_t>(read_be(2)); }
  uint32_t u24be() { return static_cast<uint32_t>(read_be(3)); }
  uint32_t u32be() { return static_cast<uint32_t>(read_be(4)); }
  uint64_t u64be() { return read_be(8); }
  uint32_t u32le() {
    uint32_t v = 0;
    ByteSpan b = bytes(4);
    for (size_t i = 0; i < b.size(); ++i) {
      v |= static_cast<uint32_t>(b[i]) << (8 * i);
    }
    return v;
  }

  // A view of the next n bytes (empty and failed if fewer remain).
  ByteSpan bytes(size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return {};
    }
    ByteSpan out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  ByteSpan rest() { return bytes(remaining()); }
  void skip(size_t n) { (void)bytes(n); }

 private:
  uint64_t read_be(size_t n) {
    ByteSpan b = bytes(n);
    uint64_t v = 0;
    for (std::byte x : b) {
      v = (v << 8) | static_cast<uint8_t>(x);
    }
    return v;
  }

  ByteSpan data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(Bytes&& initial) : buf_(std::move(initial)) {}

  void u8(uint8_t v) { buf_.push_back(std::byte{v}); }
  void u16be(uint16_t v) { write_be(v, 2); }
  void u24be(uint32_t v) { write_be(v, 3); }
  void u32be(uint32_t v) { write_be(v, 4); }
  void u64be(uint64_t v) { write_be(v, 8); }
  void u32le(uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      u8(static_cast<uint8_t>(v >> (8 * i)));
    }
  }
  void bytes(ByteSpan b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  void str(std::string_view s) { bytes(as_bytes(s)); }
  void zeros(size_t n) { buf_.insert(buf_.end(), n, std::byte{0}); }
  // For a writer that knows its size up front: large buffers then never regrow.
  void reserve(size_t n) { buf_.reserve(n); }

  // Overwrites 4 bytes at `offset` (e.g. an MP4 box size known only at the end).
  void patch_u32be(size_t offset, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      buf_[offset + i] = std::byte{static_cast<uint8_t>(v >> (8 * (3 - i)))};
    }
  }

  size_t size() const { return buf_.size(); }
  const Bytes& data() const { return buf_; }
  Bytes take() && { return std::move(buf_); }

 private:
  void write_be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
      u8(static_cast<uint8_t>(v >> (8 * i)));
    }
  }

  Bytes buf_;
};

}  // namespace antcdn
