#include "format/avc/annex_b.h"

#include "format/avc/nal_units.h"

namespace antcdn::format::avc {
namespace {

// Offset of the next 00 00 01 at or after `from`, or size() if none.
size_t find_start_code(ByteSpan s, size_t from) {
  for (size_t i = from; i + 3 <= s.size(); ++i) {
    if (s[i] == std::byte{0} && s[i + 1] == std::byte{0} && s[i + 2] == std::byte{1}) {
      return i;
    }
  }
  return s.size();
}

}  // namespace

std::vector<ByteSpan> split_annex_b(ByteSpan stream) {
  std::vector<ByteSpan> nals;
  size_t start = find_start_code(stream, 0);
  while (start < stream.size()) {
    size_t begin = start + 3;
    size_t next = find_start_code(stream, begin);
    // The zero before 00 00 01 in a 4-byte start code, and any trailing_zero_8bits,
    // belong to no NAL unit: a NAL unit never ends in a zero byte.
    size_t end = next;
    while (end > begin && stream[end - 1] == std::byte{0}) {
      --end;
    }
    if (end > begin) {
      nals.push_back(stream.subspan(begin, end - begin));
    }
    start = next;
  }
  return nals;
}

Bytes annex_b_to_avcc(ByteSpan stream) {
  ByteWriter w;
  for (ByteSpan nal : split_annex_b(stream)) {
    w.u32be(static_cast<uint32_t>(nal.size()));
    w.bytes(nal);
  }
  return std::move(w).take();
}

Result<Bytes> avcc_to_annex_b(ByteSpan au, int length_size) {
  auto nals = split_avcc(au, length_size);
  if (!nals.ok()) {
    return nals.error();
  }
  ByteWriter w;
  for (ByteSpan nal : *nals) {
    w.u32be(1);
    w.bytes(nal);
  }
  return std::move(w).take();
}

}  // namespace antcdn::format::avc
