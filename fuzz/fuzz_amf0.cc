// Fuzzes the AMF0 decoder, and checks that whatever decodes re-encodes into
// bytes that decode to the same encoding again (encode . decode is stable).

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/amf0/decoder.h"
#include "format/amf0/encoder.h"

using namespace antcdn;
using namespace antcdn::format;

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan input(reinterpret_cast<const std::byte*>(data), size);
  amf0::DecodeLimits limits{.max_depth = 16, .max_values = 4096};

  // One value through a reader must never read past the span.
  ByteReader reader(input);
  Result<amf0::Value> one = amf0::decode(reader, limits);
  if (one.ok() && reader.position() > size) {
    std::abort();
  }

  Result<std::vector<amf0::Value>> values = amf0::decode_all(input, limits);
  if (!values.ok()) {
    return 0;
  }
  ByteWriter first;
  amf0::encode_all(*values, first);
  Result<std::vector<amf0::Value>> again = amf0::decode_all(first.data(), limits);
  if (!again.ok() || again->size() != values->size()) {
    std::abort();
  }
  ByteWriter second;
  amf0::encode_all(*again, second);
  if (second.data() != first.data()) {
    std::abort();
  }
  for (const amf0::Value& v : *values) {
    (void)v.find_string("app");
    (void)v.find_number("width");
  }
  return 0;
}
