// Fuzzes the ISO BMFF box walker that tests use to check writer output.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "support/format/box_walker.h"

using namespace antcdn;
using namespace antcdn::format;

namespace {

// Every box, at every depth, must lie inside the input.
void check_inside(const std::vector<fmp4::Box>& boxes, ByteSpan in) {
  for (const auto& b : boxes) {
    if (b.offset + b.size > in.size() ||
        (!b.payload.empty() && (b.payload.data() < in.data() ||
                                b.payload.data() + b.payload.size() > in.data() + in.size()))) {
      std::abort();
    }
    check_inside(b.children, in);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan in(reinterpret_cast<const std::byte*>(data), size);
  auto boxes = fmp4::walk_boxes(in);
  if (boxes.ok()) {
    check_inside(*boxes, in);
    (void)fmp4::find_box(*boxes, "moov/trak/mdia/minf/stbl/stsd/avc1/avcC");
    (void)fmp4::find_box(*boxes, "moof/traf/trun");
  }
  return 0;
}
