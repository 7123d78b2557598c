#include "format/fmp4/box_writer.h"

#include <cassert>

namespace antcdn::format::fmp4 {

void BoxWriter::fourcc(std::string_view type) {
  assert(type.size() == 4);
  out_.str(type.substr(0, 4));
}

void BoxWriter::begin(std::string_view type) {
  open_.push_back(out_.size());
  out_.u32be(0);  // patched by end()
  fourcc(type);
}

void BoxWriter::begin_full(std::string_view type, uint8_t version, uint32_t flags) {
  begin(type);
  out_.u8(version);
  out_.u24be(flags);
}

void BoxWriter::end() {
  assert(!open_.empty());
  size_t start = open_.back();
  open_.pop_back();
  // Our boxes hold at most one segment's media; a 4 GiB box means a caller bug.
  assert(out_.size() - start <= UINT32_MAX);
  out_.patch_u32be(start, static_cast<uint32_t>(out_.size() - start));
}

Bytes BoxWriter::take() && {
  assert(open_.empty());
  return std::move(out_).take();
}

}  // namespace antcdn::format::fmp4
