#include "format/fmp4/box_walker.h"

#include <array>

namespace antcdn::format::fmp4 {
namespace {

constexpr int kMaxDepth = 16;

struct Container {
  const char* type;
  size_t skip;  // bytes between the header and the first child box
};

// Boxes whose payload is (after `skip` bytes) a sequence of boxes.
constexpr std::array<Container, 17> kContainers = {{
    {"moov", 0},
    {"trak", 0},
    {"mdia", 0},
    {"minf", 0},
    {"dinf", 0},
    {"stbl", 0},
    {"mvex", 0},
    {"moof", 0},
    {"traf", 0},
    {"edts", 0},
    {"udta", 0},
    {"dref", 8},   // FullBox header + entry_count
    {"stsd", 8},   // FullBox header + entry_count
    {"avc1", 78},  // VisualSampleEntry fields
    {"avc3", 78},
    {"mp4a", 28},  // AudioSampleEntry fields
    {"sinf", 0},
}};

const Container* container_for(std::string_view type) {
  for (const auto& c : kContainers) {
    if (type == c.type) {
      return &c;
    }
  }
  return nullptr;
}

Error invalid(const std::string& what, uint64_t offset) {
  return make_error(Code::InvalidArgument,
                    "mp4 box at offset " + std::to_string(offset) + ": " + what);
}

Result<std::vector<Box>> walk(ByteSpan data, uint64_t base, int depth) {
  if (depth > kMaxDepth) {
    return invalid("nesting too deep", base);
  }
  std::vector<Box> boxes;
  ByteReader r(data);
  while (!r.empty()) {
    Box box;
    box.offset = base + r.position();
    uint64_t size = r.u32be();
    box.type = std::string(as_chars(r.bytes(4)));
    box.header_size = 8;
    if (size == 1) {
      size = r.u64be();
      box.header_size = 16;
    } else if (size == 0) {
      size = r.remaining() + 8;  // extends to the end of the enclosing span
    }
    if (!r.ok()) {
      return invalid("truncated header", box.offset);
    }
    if (size < box.header_size) {
      return invalid("size " + std::to_string(size) + " below header size", box.offset);
    }
    uint64_t payload_size = size - box.header_size;
    if (payload_size > r.remaining()) {
      return invalid("'" + box.type + "' runs past its parent", box.offset);
    }
    box.size = size;
    box.payload = r.bytes(static_cast<size_t>(payload_size));
    if (const Container* c = container_for(box.type)) {
      if (box.payload.size() < c->skip) {
        return invalid("'" + box.type + "' too short for its fields", box.offset);
      }
      auto children =
          walk(box.payload.subspan(c->skip), box.offset + box.header_size + c->skip, depth + 1);
      if (!children.ok()) {
        return children.error();
      }
      box.children = std::move(*children);
    }
    boxes.push_back(std::move(box));
  }
  return boxes;
}

const Box* find_in(const std::vector<Box>& boxes, std::string_view path) {
  size_t slash = path.find('/');
  std::string_view head = path.substr(0, slash);
  for (const Box& b : boxes) {
    if (b.type == head) {
      return slash == std::string_view::npos ? &b : find_in(b.children, path.substr(slash + 1));
    }
  }
  return nullptr;
}

}  // namespace

const Box* Box::find(std::string_view path) const {
  return find_in(children, path);
}

const Box* find_box(const std::vector<Box>& boxes, std::string_view path) {
  return find_in(boxes, path);
}

Result<std::vector<Box>> walk_boxes(ByteSpan data) {
  return walk(data, 0, 0);
}

}  // namespace antcdn::format::fmp4
