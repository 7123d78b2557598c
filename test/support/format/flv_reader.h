#pragma once

// Reader for a whole FLV file or stream (header, then tags each followed by
// PreviousTagSize). Used by tests, bench/ and fuzz/ to feed recorded media
// through the same tag parsers ingest uses (format/flv); live RTMP carries bare
// tag bodies instead, so production never reads FLV files.

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::format::flv {

enum class TagType : uint8_t { Audio = 8, Video = 9, ScriptData = 18 };

struct FlvHeader {
  uint8_t version = 1;
  bool has_audio = false;
  bool has_video = false;
};

struct FlvTag {
  TagType type = TagType::Video;
  uint32_t timestamp_ms = 0;  // 24 bits plus the extension byte as the top 8
  bool filtered = false;      // encrypted tag; the body is not usable as is
  ByteSpan body;              // points into the span given to next()
};

// One step of the reader. consumed == 0 means "need more bytes": call again
// with the same data plus more. Otherwise drop `consumed` bytes; `tag` is set
// when a tag was completed (the header step completes none).
struct FlvStep {
  size_t consumed = 0;
  std::optional<FlvTag> tag;
};

class FlvReader {
 public:
  // Parses the next element at the start of `data`. Never reads past it.
  Result<FlvStep> next(ByteSpan data);

  // Valid once the header step has been consumed.
  const FlvHeader& header() const { return header_; }
  bool header_done() const { return header_done_; }

 private:
  Result<FlvStep> read_header(ByteSpan data);

  FlvHeader header_;
  bool header_done_ = false;
};

struct FlvFile {
  FlvHeader header;
  std::vector<FlvTag> tags;  // bodies point into the parsed span
};

// Parses a complete FLV file; a truncated last tag is an error.
Result<FlvFile> read_flv_file(ByteSpan data);

}  // namespace antcdn::format::flv
