#pragma once

// What a scrape sees: plain values, grouped into families (one name, one help
// text, one type; a sample per label set). The registry fills them from live
// metrics and collectors; exposition.h renders them. No atomics here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace antcdn::metrics {

enum class MetricType { Counter, Gauge, Histogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct HistogramValue {
  std::vector<double> bounds;    // upper bounds, ascending, without +Inf
  std::vector<uint64_t> counts;  // per bucket, not cumulative: bounds.size() + 1 (+Inf last)
  double sum = 0;
};

struct Sample {
  Labels labels;
  double value = 0;                         // counters and gauges
  std::optional<HistogramValue> histogram;  // histograms
};

struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::Gauge;
  std::vector<Sample> samples;
};

// A family of one sample without labels.
MetricFamily make_family(std::string name, std::string help, MetricType type, double value);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not reserved (a leading "__", or "le" which
// histograms add themselves).
bool is_valid_label_name(std::string_view name);

}  // namespace antcdn::metrics
