#pragma once

// AMF0 type markers (Adobe AMF0 specification, section 2.1). Markers we do not
// accept are listed too so error messages can name them.

#include <cstdint>

namespace antcdn::format::amf0 {

enum class Marker : uint8_t {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  MovieClip = 0x04,  // reserved, never valid
  Null = 0x05,
  Undefined = 0x06,
  Reference = 0x07,
  EcmaArray = 0x08,
  ObjectEnd = 0x09,
  StrictArray = 0x0a,
  Date = 0x0b,
  LongString = 0x0c,
  Unsupported = 0x0d,
  RecordSet = 0x0e,  // reserved, never valid
  XmlDocument = 0x0f,
  TypedObject = 0x10,
  AvmPlus = 0x11,  // switch to AMF3
};

}  // namespace antcdn::format::amf0
