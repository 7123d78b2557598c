#include "format/avc/nal_units.h"

#include <algorithm>
#include <string>

namespace antcdn::format::avc {
namespace {

Error bad_length_size(int n) {
  return make_error(Code::InvalidArgument,
                    "avc: NAL length size " + std::to_string(n) + " is not 1, 2 or 4");
}

}  // namespace

Result<std::vector<ByteSpan>> split_avcc(ByteSpan au, int length_size) {
  if (!valid_length_size(length_size)) {
    return bad_length_size(length_size);
  }
  std::vector<ByteSpan> nals;
  ByteReader r(au);
  while (!r.empty()) {
    uint32_t len = 0;
    switch (length_size) {
      case 1:
        len = r.u8();
        break;
      case 2:
        len = r.u16be();
        break;
      default:
        len = r.u32be();
        break;
    }
    ByteSpan nal = r.bytes(len);
    if (!r.ok()) {
      return make_error(Code::InvalidArgument, "avc: NAL unit length " + std::to_string(len) +
                                                   " runs past the access unit");
    }
    if (!nal.empty()) {
      nals.push_back(nal);
    }
  }
  return nals;
}

Result<Bytes> join_avcc(const std::vector<ByteSpan>& nals, int length_size) {
  if (!valid_length_size(length_size)) {
    return bad_length_size(length_size);
  }
  uint64_t max_len = length_size == 4 ? UINT32_MAX : (uint64_t{1} << (8 * length_size)) - 1;
  ByteWriter w;
  for (ByteSpan nal : nals) {
    if (nal.size() > max_len) {
      return make_error(Code::InvalidArgument, "avc: NAL unit of " + std::to_string(nal.size()) +
                                                   " bytes does not fit a " +
                                                   std::to_string(length_size) + "-byte length");
    }
    switch (length_size) {
      case 1:
        w.u8(static_cast<uint8_t>(nal.size()));
        break;
      case 2:
        w.u16be(static_cast<uint16_t>(nal.size()));
        break;
      default:
        w.u32be(static_cast<uint32_t>(nal.size()));
        break;
    }
    w.bytes(nal);
  }
  return std::move(w).take();
}

Result<Bytes> convert_nal_length_size(ByteSpan au, int from_length_size, int to_length_size) {
  auto nals = split_avcc(au, from_length_size);
  if (!nals.ok()) {
    return nals.error();
  }
  return join_avcc(*nals, to_length_size);
}

Result<bool> contains_idr(ByteSpan au, int length_size) {
  auto nals = split_avcc(au, length_size);
  if (!nals.ok()) {
    return nals.error();
  }
  return std::any_of(nals->begin(), nals->end(), [](ByteSpan nal) {
    return nal_type(nal) == static_cast<uint8_t>(NalType::Idr);
  });
}

Result<Bytes> remove_nal_units(ByteSpan au, int length_size, std::initializer_list<NalType> types) {
  auto nals = split_avcc(au, length_size);
  if (!nals.ok()) {
    return nals.error();
  }
  std::erase_if(*nals, [&](ByteSpan nal) {
    return std::any_of(types.begin(), types.end(),
                       [&](NalType t) { return nal_type(nal) == static_cast<uint8_t>(t); });
  });
  return join_avcc(*nals, length_size);
}

}  // namespace antcdn::format::avc
