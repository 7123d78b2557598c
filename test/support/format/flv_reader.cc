#include "support/format/flv_reader.h"

#include <string>

namespace antcdn::format::flv {
namespace {

constexpr size_t kHeaderSize = 9;
constexpr size_t kTagHeaderSize = 11;
// Every FLV version so far has a 9-byte header; a far larger offset is garbage,
// and honouring it would make a streaming caller buffer up to 4 GiB.
constexpr size_t kMaxHeaderSize = 1024;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "flv: " + what);
}

}  // namespace

Result<FlvStep> FlvReader::read_header(ByteSpan data) {
  ByteReader r(data);
  ByteSpan signature = r.bytes(3);
  if (!r.ok()) {
    return FlvStep{};
  }
  if (as_chars(signature) != "FLV") {
    return invalid("missing FLV signature");
  }
  uint8_t version = r.u8();
  uint8_t flags = r.u8();
  uint32_t data_offset = r.u32be();
  if (!r.ok()) {
    return FlvStep{};
  }
  if (data_offset < kHeaderSize || data_offset > kMaxHeaderSize) {
    return invalid("header size " + std::to_string(data_offset) + " is out of range");
  }
  // The header may be longer than 9 bytes in later versions; skip the extra,
  // then PreviousTagSize0 which must be 0.
  r.skip(data_offset - kHeaderSize);
  uint32_t previous_tag_size0 = r.u32be();
  if (!r.ok()) {
    return FlvStep{};
  }
  if (previous_tag_size0 != 0) {
    return invalid("PreviousTagSize0 is not 0");
  }
  header_.version = version;
  header_.has_audio = (flags & 0x04) != 0;
  header_.has_video = (flags & 0x01) != 0;
  header_done_ = true;
  return FlvStep{r.position(), std::nullopt};
}

Result<FlvStep> FlvReader::next(ByteSpan data) {
  if (!header_done_) {
    return read_header(data);
  }
  ByteReader r(data);
  uint8_t type_byte = r.u8();
  uint32_t data_size = r.u24be();
  uint32_t timestamp = r.u24be();
  uint8_t timestamp_ext = r.u8();
  r.skip(3);  // StreamID, always 0
  if (!r.ok()) {
    return FlvStep{};
  }
  uint8_t type = type_byte & 0x1f;
  if (type != 8 && type != 9 && type != 18) {
    return invalid("unknown tag type " + std::to_string(type));
  }
  ByteSpan body = r.bytes(data_size);
  uint32_t previous_tag_size = r.u32be();
  if (!r.ok()) {
    return FlvStep{};
  }
  // A wrong back-pointer means we lost framing; continuing would misparse the rest.
  if (previous_tag_size != kTagHeaderSize + data_size) {
    return invalid("PreviousTagSize " + std::to_string(previous_tag_size) +
                   " does not match tag size " + std::to_string(kTagHeaderSize + data_size));
  }
  FlvTag tag;
  tag.type = static_cast<TagType>(type);
  tag.timestamp_ms = (static_cast<uint32_t>(timestamp_ext) << 24) | timestamp;
  tag.filtered = (type_byte & 0x20) != 0;
  tag.body = body;
  return FlvStep{r.position(), tag};
}

Result<FlvFile> read_flv_file(ByteSpan data) {
  FlvReader reader;
  FlvFile file;
  size_t pos = 0;
  while (pos < data.size() || !reader.header_done()) {
    auto step = reader.next(data.subspan(pos));
    if (!step.ok()) {
      return step.error().with_context("at byte " + std::to_string(pos));
    }
    if (step->consumed == 0) {
      return invalid("truncated at byte " + std::to_string(pos));
    }
    pos += step->consumed;
    if (step->tag) {
      file.tags.push_back(*step->tag);
    }
  }
  file.header = reader.header();
  return file;
}

}  // namespace antcdn::format::flv
