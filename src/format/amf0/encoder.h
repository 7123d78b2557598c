#pragma once

// AMF0 encoding into a ByteWriter. Encoding cannot fail: strings longer than
// 65535 bytes switch to the long-string marker, and object keys (which AMF0
// limits to 65535 bytes) are clipped.

#include <initializer_list>
#include <span>

#include "common/bytes.h"
#include "format/amf0/value.h"

namespace antcdn::format::amf0 {

void encode(const Value& value, ByteWriter& out);

// Encodes values back to back, as in an RTMP command or data message body.
void encode_all(std::span<const Value> values, ByteWriter& out);
Bytes encode_all(std::initializer_list<Value> values);

}  // namespace antcdn::format::amf0
