#include "metrics/exposition.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace antcdn::metrics {
namespace {

TEST(Exposition, CounterAndGaugeWithHelpTypeAndLabels) {
  std::vector<MetricFamily> families = {
      {"antcdn_ingest_frames_total",
       "Frames received.",
       MetricType::Counter,
       {{{{"kind", "video"}}, 42, std::nullopt}, {{{"kind", "audio"}}, 7, std::nullopt}}},
      make_family("antcdn_ingest_publishers", "Publishers.", MetricType::Gauge, 3),
  };
  EXPECT_EQ(render_text(families),
            "# HELP antcdn_ingest_frames_total Frames received.\n"
            "# TYPE antcdn_ingest_frames_total counter\n"
            "antcdn_ingest_frames_total{kind=\"video\"} 42\n"
            "antcdn_ingest_frames_total{kind=\"audio\"} 7\n"
            "# HELP antcdn_ingest_publishers Publishers.\n"
            "# TYPE antcdn_ingest_publishers gauge\n"
            "antcdn_ingest_publishers 3\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeAndEndWithInf) {
  HistogramValue h{{0.005, 0.5}, {2, 1, 4}, 21.25};
  std::vector<MetricFamily> families = {{"antcdn_segment_write_seconds",
                                         "Write time.",
                                         MetricType::Histogram,
                                         {{{{"loop", "edge"}}, 0, h}}}};
  EXPECT_EQ(render_text(families),
            "# HELP antcdn_segment_write_seconds Write time.\n"
            "# TYPE antcdn_segment_write_seconds histogram\n"
            "antcdn_segment_write_seconds_bucket{loop=\"edge\",le=\"0.005\"} 2\n"
            "antcdn_segment_write_seconds_bucket{loop=\"edge\",le=\"0.5\"} 3\n"
            "antcdn_segment_write_seconds_bucket{loop=\"edge\",le=\"+Inf\"} 7\n"
            "antcdn_segment_write_seconds_sum{loop=\"edge\"} 21.25\n"
            "antcdn_segment_write_seconds_count{loop=\"edge\"} 7\n");
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
  std::vector<MetricFamily> families = {{"m",
                                         "a \\ back\nslash \"quoted\"",
                                         MetricType::Gauge,
                                         {{{{"v", "x\\y\"z\nw"}}, 1, std::nullopt}}}};
  EXPECT_EQ(render_text(families),
            "# HELP m a \\\\ back\\nslash \"quoted\"\n"
            "# TYPE m gauge\n"
            "m{v=\"x\\\\y\\\"z\\nw\"} 1\n");
}

TEST(Exposition, SpecialNumbers) {
  std::vector<MetricFamily> families = {
      {"m",
       "h",
       MetricType::Gauge,
       {{{{"a", "1"}}, std::numeric_limits<double>::infinity(), std::nullopt},
        {{{"a", "2"}}, -std::numeric_limits<double>::infinity(), std::nullopt},
        {{{"a", "3"}}, std::nan(""), std::nullopt},
        {{{"a", "4"}}, 0.25, std::nullopt},
        {{{"a", "5"}}, 1e21, std::nullopt}}}};
  std::string text = render_text(families);
  EXPECT_NE(text.find("m{a=\"1\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("m{a=\"2\"} -Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("m{a=\"3\"} NaN\n"), std::string::npos) << text;
  EXPECT_NE(text.find("m{a=\"4\"} 0.25\n"), std::string::npos) << text;
  EXPECT_NE(text.find("m{a=\"5\"} 1e+21\n"), std::string::npos) << text;
}

TEST(Exposition, LeavesOutInvalidNamesAndLabels) {
  std::vector<MetricFamily> families = {
      make_family("bad-name", "h", MetricType::Gauge, 1),
      {"good", "h", MetricType::Gauge, {{{{"le", "x"}}, 1, std::nullopt}, {{}, 2, std::nullopt}}}};
  EXPECT_EQ(render_text(families), "# HELP good h\n# TYPE good gauge\ngood 2\n");
}

TEST(Exposition, NameRules) {
  EXPECT_TRUE(is_valid_metric_name("antcdn_a:b_1"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("1abc"));
  EXPECT_FALSE(is_valid_metric_name("a b"));
  EXPECT_TRUE(is_valid_label_name("kind"));
  EXPECT_FALSE(is_valid_label_name("__name__"));
  EXPECT_FALSE(is_valid_label_name("le"));
  EXPECT_FALSE(is_valid_label_name("a:b"));
  EXPECT_FALSE(is_valid_label_name("9"));
}

}  // namespace
}  // namespace antcdn::metrics
