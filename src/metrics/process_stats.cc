#include "metrics/process_stats.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/parse_number.h"

namespace antcdn::metrics {
namespace {

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(" \n", pos);
    if (start == std::string_view::npos) {
      break;
    }
    size_t end = text.find_first_of(" \n", start);
    end = end == std::string_view::npos ? text.size() : end;
    out.push_back(text.substr(start, end - start));
    pos = end;
  }
  return out;
}

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<uint64_t> count_open_fds() {
  std::error_code ec;
  uint64_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++n;
  }
  return ec ? std::nullopt : std::optional(n);
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  auto close = text.rfind(')');
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  // Fields from 3 (state) on; field N is at index N - 3.
  auto fields = split_spaces(text.substr(close + 1));
  if (fields.size() < 22) {
    return std::nullopt;
  }
  auto utime = parse_number<uint64_t>(fields[11]);
  auto stime = parse_number<uint64_t>(fields[12]);
  auto threads = parse_number<uint64_t>(fields[17]);
  auto start = parse_number<uint64_t>(fields[19]);
  auto vsize = parse_number<uint64_t>(fields[20]);
  auto rss = parse_number<uint64_t>(fields[21]);
  if (!utime || !stime || !threads || !start || !vsize || !rss) {
    return std::nullopt;
  }
  return ProcStat{*utime, *stime, static_cast<int64_t>(*threads), *start, *vsize, *rss};
}

std::optional<uint64_t> parse_boot_time(std::string_view proc_stat) {
  size_t pos = 0;
  while (pos < proc_stat.size()) {
    size_t end = proc_stat.find('\n', pos);
    end = end == std::string_view::npos ? proc_stat.size() : end;
    std::string_view line = proc_stat.substr(pos, end - pos);
    if (line.starts_with("btime ")) {
      auto fields = split_spaces(line);
      return fields.size() == 2 ? parse_number<uint64_t>(fields[1]) : std::nullopt;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

void collect_process_metrics(std::vector<MetricFamily>& out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto self = read_file("/proc/self/stat");
  auto stat = self ? parse_proc_stat(*self) : std::nullopt;
  if (stat && ticks > 0) {
    out.push_back(make_family("process_cpu_seconds_total",
                              "User and system CPU time spent, in seconds.", MetricType::Counter,
                              static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks));
    out.push_back(make_family("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge, static_cast<double>(stat->resident_pages) * page));
    out.push_back(make_family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, static_cast<double>(stat->virtual_bytes)));
    out.push_back(make_family("process_threads", "Threads of the process.", MetricType::Gauge,
                              static_cast<double>(stat->threads)));
    auto system = read_file("/proc/stat");
    if (auto boot = system ? parse_boot_time(*system) : std::nullopt) {
      out.push_back(
          make_family("process_start_time_seconds",
                      "Start time of the process since the epoch, in seconds.", MetricType::Gauge,
                      static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks));
    }
  }
  if (auto fds = count_open_fds()) {
    out.push_back(make_family("process_open_fds", "Open file descriptors.", MetricType::Gauge,
                              static_cast<double>(*fds)));
  }
  // What malloc has handed out against what it holds free: RSS that grows with
  // the first flat is fragmentation, with both growing a leak or an unbounded
  // structure. mallinfo2 walks every arena under its lock; a scrape can afford it.
  const struct mallinfo2 heap = ::mallinfo2();
  out.push_back(make_family("antcdn_heap_allocated_bytes",
                            "Bytes allocated through malloc and not yet freed.", MetricType::Gauge,
                            static_cast<double>(heap.uordblks + heap.hblkhd)));
  out.push_back(make_family("antcdn_heap_free_bytes",
                            "Bytes malloc holds free in its arenas (not returned to the system).",
                            MetricType::Gauge, static_cast<double>(heap.fordblks)));
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(make_family("process_max_fds", "The limit of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
}

}  // namespace antcdn::metrics
