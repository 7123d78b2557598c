#pragma once

// Annex B byte streams (NAL units separated by 00 00 01 / 00 00 00 01 start
// codes), which libx264 emits, and their conversion to and from AVCC framing.

#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::avc {

// Splits an Annex B stream into NAL units (views into `stream`, without start
// codes or the trailing zero bytes that may precede the next start code).
// Bytes before the first start code are ignored.
std::vector<ByteSpan> split_annex_b(ByteSpan stream);

// Annex B -> AVCC with 4-byte lengths, as MP4 samples need.
Bytes annex_b_to_avcc(ByteSpan stream);

// AVCC (any valid length size) -> Annex B with 4-byte start codes.
Result<Bytes> avcc_to_annex_b(ByteSpan au, int length_size);

}  // namespace antcdn::format::avc
