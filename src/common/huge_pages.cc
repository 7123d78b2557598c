#include "common/huge_pages.h"

#include <cstdlib>

#include <unistd.h>

namespace antcdn {

std::optional<std::string> tunables_with_huge_pages(std::string_view current) {
  if (current.find("glibc.malloc.hugetlb") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out(current);
  if (!out.empty()) {
    out += ':';
  }
  out += "glibc.malloc.hugetlb=1";
  return out;
}

void restart_with_huge_page_malloc(char** argv) {
  const char* current = std::getenv("GLIBC_TUNABLES");
  auto tunables = tunables_with_huge_pages(current ? current : "");
  if (!tunables || setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) {
    return;
  }
  execv("/proc/self/exe", argv);
  // Still here: run on with 4 KiB pages; the tunable only matters at start-up.
}

}  // namespace antcdn
