#pragma once

// The process's own figures, read from /proc/self (Linux), under the metric
// names every Prometheus client library uses (process_cpu_seconds_total, ...).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "metrics/family.h"

namespace antcdn::metrics {

// The fields of /proc/self/stat that we export, in the kernel's units.
struct ProcStat {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  int64_t threads = 0;
  uint64_t start_ticks = 0;  // after boot
  uint64_t virtual_bytes = 0;
  uint64_t resident_pages = 0;
};

// Parses one line of /proc/[pid]/stat. The command name (field 2) is skipped
// up to the last ')', since it may hold spaces and parentheses itself.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// The "btime" line of /proc/stat: the boot time in seconds since the epoch.
std::optional<uint64_t> parse_boot_time(std::string_view proc_stat);

// Reads /proc/self/stat, /proc/stat, /proc/self/fd and RLIMIT_NOFILE and appends
// the process_* families, plus malloc's own figures (antcdn_heap_*); a file that
// cannot be read leaves its families out.
void collect_process_metrics(std::vector<MetricFamily>& out);

}  // namespace antcdn::metrics
