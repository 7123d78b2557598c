#pragma once

// Where the process's metrics are declared, once, at start-up (the composition
// root hands components references to their counters, so the hot paths touch
// only atomics, never this registry), and read by a scrape.
//
// Values that exist only as the state of some component (queue lengths, cache
// sizes, process figures, counts in the database) are read by collectors, which
// run on the scrape's thread: one that may block.

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "metrics/counter.h"
#include "metrics/family.h"
#include "metrics/histogram.h"

namespace antcdn::metrics {

class Registry {
 public:
  using Collector = std::function<void(std::vector<MetricFamily>& out)>;

  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The metric `name` with `labels`, made on first use; the reference lives as
  // long as the registry. A name reused with another type or an invalid name or
  // label is a programming error: std::logic_error (at start-up).
  Counter& counter(const std::string& name, const std::string& help, Labels labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, Labels labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                       Labels labels = {});

  // A counter whose series lasts while someone holds it (per-stream series):
  // it leaves the exposition once the last holder lets go. Asked again for the
  // same name and labels meanwhile, it is the same counter.
  std::shared_ptr<Counter> owned_counter(const std::string& name, const std::string& help,
                                         Labels labels);

  // Appends families at every scrape, after the registered metrics.
  void add_collector(Collector collect);

  // Every metric's current value, then the collectors' families.
  std::vector<MetricFamily> collect() const;
  // collect() in the text exposition format (exposition.h).
  std::string render() const;

 private:
  using Metric = std::variant<Counter*, Gauge*, Histogram*>;
  struct Series {
    Labels labels;
    Metric metric;
    std::weak_ptr<Counter> owner;  // owned series only
    bool owned = false;
  };
  struct Family {
    std::string name;
    std::string help;
    MetricType type;
    std::vector<Series> series;
  };

  // Finds or makes the series name{labels}, a new one's metric from `make()`.
  template <typename M, typename Make>
  M& declare(const std::string& name, const std::string& help, MetricType type, Labels labels,
             Make make);
  // Under mutex_: the series `name`{labels}; `added` when it is a new slot to
  // fill (its family made or checked). Owned series that expired are dropped.
  Series* find_or_add_locked(const std::string& name, const std::string& help, MetricType type,
                             Labels labels, bool& added);

  mutable std::mutex mutex_;
  std::vector<Family> families_;  // in declaration order
  std::deque<Counter> counters_;  // deques: stable addresses
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
  std::vector<Collector> collectors_;
};

}  // namespace antcdn::metrics
