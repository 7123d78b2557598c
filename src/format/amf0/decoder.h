#pragma once

// AMF0 decoding over a ByteReader. Input comes straight from the network, so the
// decoder bounds nesting depth (recursion) and the number of values per call
// (memory: one Value is ~100 bytes, an input byte can start a value).

#include <cstddef>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "format/amf0/value.h"

namespace antcdn::format::amf0 {

struct DecodeLimits {
  int max_depth = 32;                     // objects/arrays nested deeper than this are rejected
  size_t max_values = size_t{64} * 1024;  // total values (incl. nested) per decode call
};

// Decodes one value at the reader's position and advances past it. On error the
// reader's position is unspecified.
Result<Value> decode(ByteReader& reader, const DecodeLimits& limits = {});

// Decodes consecutive values until `data` is exhausted (a command or data
// message body). Fails if any value is malformed or truncated.
Result<std::vector<Value>> decode_all(ByteSpan data, const DecodeLimits& limits = {});

}  // namespace antcdn::format::amf0
