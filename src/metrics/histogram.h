#pragma once

// A histogram with fixed bucket bounds chosen at construction: observe() is a
// short scan of the bounds and two relaxed atomic adds, safe from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "metrics/family.h"

namespace antcdn::metrics {

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds (inclusive), ascending, without +Inf.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value);
  // Counts per bucket (not cumulative; the last is the +Inf bucket) and the sum.
  HistogramValue value() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Bucket bounds for latencies in seconds, 1 ms to 10 s.
std::vector<double> latency_buckets();

}  // namespace antcdn::metrics
