// Fuzzes the ISO BMFF box walker and the keyframe reader of the thumbnails:
// whatever the input, every box and the sample found lie inside it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/fmp4/box_walker.h"
#include "format/fmp4/keyframe_reader.h"

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
  // The same bytes as an init section, and as a segment of a track its own
  // init (if it is one) or track 1 describes.
  auto init = fmp4::read_video_init(in);
  fmp4::VideoInit track = init.ok() ? *init : fmp4::VideoInit{.track_id = 1};
  auto sample = fmp4::first_sync_sample(in, track);
  if (sample.ok() &&
      (sample->data() < in.data() || sample->data() + sample->size() > in.data() + in.size())) {
    std::abort();
  }
  return 0;
}
