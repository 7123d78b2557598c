#pragma once

// Writes nested ISO BMFF boxes: begin() writes a placeholder size and the
// type, end() patches the size once the children are written.

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace antcdn::format::fmp4 {

class BoxWriter {
 public:
  // Opens a box; `type` must be exactly four characters.
  void begin(std::string_view type);
  // Opens a FullBox (version + 24-bit flags after the type).
  void begin_full(std::string_view type, uint8_t version, uint32_t flags);
  // Closes the innermost open box.
  void end();

  // Field writers for the open box's payload.
  ByteWriter& out() { return out_; }
  void fourcc(std::string_view type);

  size_t size() const { return out_.size(); }
  size_t depth() const { return open_.size(); }
  // All boxes must be closed.
  Bytes take() &&;

 private:
  ByteWriter out_;
  std::vector<size_t> open_;  // start offsets of open boxes
};

}  // namespace antcdn::format::fmp4
