#pragma once

// Transparent huge pages for malloc. x264 and the H.264 decoder keep hundreds
// of megabytes of picture buffers and walk them in patterns that miss the TLB
// on 4 KiB pages; glibc backs large allocations with huge pages (where the
// kernel's THP mode is "madvise", Debian's default) only when the
// glibc.malloc.hugetlb tunable is set, and tunables are read at process start.

#include <optional>
#include <string>
#include <string_view>

namespace antcdn {

// The GLIBC_TUNABLES value with glibc.malloc.hugetlb=1 added, or nothing when
// `current` already sets that tunable (either way: the operator's choice wins).
std::optional<std::string> tunables_with_huge_pages(std::string_view current);

// Re-executes this program (same pid, argv and environment) with the tunable
// added, unless it is already set. Call first thing in main, before any thread
// starts. Returns only when nothing was needed or exec failed.
void restart_with_huge_page_malloc(char** argv);

}  // namespace antcdn
