#include "metrics/process_stats.h"

#include <gtest/gtest.h>

namespace antcdn::metrics {
namespace {

TEST(ProcessStats, ParsesStatWithSpacesAndParensInTheName) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime stime cutime cstime priority nice threads itreal starttime vsize rss ...
  std::string line =
      "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 1000 0 3 0 250 50 0 0 20 0 17 0 123456 "
      "987654321 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  auto s = parse_proc_stat(line);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->utime_ticks, 250u);
  EXPECT_EQ(s->stime_ticks, 50u);
  EXPECT_EQ(s->threads, 17);
  EXPECT_EQ(s->start_ticks, 123456u);
  EXPECT_EQ(s->virtual_bytes, 987654321u);
  EXPECT_EQ(s->resident_pages, 2048u);
}

TEST(ProcessStats, RefusesTruncatedOrGarbledStat) {
  EXPECT_FALSE(parse_proc_stat("4242 (x) S 1 2 3").has_value());
  EXPECT_FALSE(parse_proc_stat("no parenthesis").has_value());
  EXPECT_FALSE(
      parse_proc_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 x 50 0 0 20 0 17 0 1 2 3").has_value());
}

TEST(ProcessStats, BootTime) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000u);
  EXPECT_FALSE(parse_boot_time("cpu 1 2 3\n").has_value());
}

TEST(ProcessStats, CollectsThisProcess) {
  std::vector<MetricFamily> out;
  collect_process_metrics(out);
  auto find = [&](std::string_view name) -> const MetricFamily* {
    for (const auto& f : out) {
      if (f.name == name) {
        return &f;
      }
    }
    return nullptr;
  };
  for (auto name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                    "process_open_fds", "process_max_fds", "process_start_time_seconds"}) {
    ASSERT_NE(find(name), nullptr) << name;
  }
  EXPECT_GT(find("process_resident_memory_bytes")->samples.at(0).value, 0);
  EXPECT_GE(find("process_open_fds")->samples.at(0).value, 3);  // stdin, stdout, stderr
  EXPECT_GE(find("process_max_fds")->samples.at(0).value,
            find("process_open_fds")->samples.at(0).value);
}

}  // namespace
}  // namespace antcdn::metrics
