#pragma once

// What the generated table (build/generated/web_embedded_files.cc) provides:
// the raw bytes of every embedded file, linked in by the assembler's .incbin.

#include <cstddef>
#include <span>
#include <string_view>

namespace antcdn::web {

struct EmbeddedFile {
  std::string_view name;
  std::span<const unsigned char> bytes;
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace antcdn::web
