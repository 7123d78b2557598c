#pragma once

// The two scalar kinds of metric: a Counter only goes up, a Gauge goes both
// ways. Each is one relaxed atomic, so a component may bump it from any thread
// on its hot path without a lock; the scrape reads whatever value is current.
// Each has a cache line of its own: metrics bumped by different threads (the
// edge's counters, one per kind of request) must not bounce one line between
// cores.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace antcdn::metrics {

inline constexpr size_t kCacheLine = 64;

class alignas(kCacheLine) Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class alignas(kCacheLine) Gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub(int64_t n) { value_.fetch_sub(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace antcdn::metrics
