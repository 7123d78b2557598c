#pragma once

// H.264 NAL unit helpers over AVCC-framed access units (each NAL unit
// prefixed by a big-endian length of 1, 2 or 4 bytes, as in FLV and MP4).

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::avc {

enum class NalType : uint8_t {
  Slice = 1,
  SliceA = 2,
  SliceB = 3,
  SliceC = 4,
  Idr = 5,
  Sei = 6,
  Sps = 7,
  Pps = 8,
  Aud = 9,
  EndOfSequence = 10,
  EndOfStream = 11,
  Filler = 12,
  SpsExtension = 13,
};

// The nal_unit_type of a NAL unit (first byte, low 5 bits); 0 if empty.
inline uint8_t nal_type(ByteSpan nal) {
  return nal.empty() ? 0 : static_cast<uint8_t>(static_cast<uint8_t>(nal[0]) & 0x1f);
}

// True for the NAL length sizes MP4 and FLV allow (1, 2 or 4 bytes).
inline bool valid_length_size(int n) {
  return n == 1 || n == 2 || n == 4;
}

// Splits an AVCC access unit into NAL units (views into `au`, without their
// length prefixes). Zero-length NAL units are skipped; a length running past
// the end is an error.
Result<std::vector<ByteSpan>> split_avcc(ByteSpan au, int length_size);

// Frames NAL units with `length_size`-byte lengths; a NAL unit too long for
// that size is an error.
Result<Bytes> join_avcc(const std::vector<ByteSpan>& nals, int length_size);

// Re-frames an access unit from one NAL length size to another (e.g. 2 -> 4,
// which fMP4 output always uses).
Result<Bytes> convert_nal_length_size(ByteSpan au, int from_length_size, int to_length_size);

// True if the access unit holds an IDR slice (nal_unit_type 5).
Result<bool> contains_idr(ByteSpan au, int length_size);

// Drops NAL units of the given types (e.g. AUD, SPS, PPS that some encoders
// repeat in-band), keeping the framing.
Result<Bytes> remove_nal_units(ByteSpan au, int length_size, std::initializer_list<NalType> types);

}  // namespace antcdn::format::avc
