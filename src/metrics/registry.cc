#include "metrics/registry.h"

#include <cassert>
#include <stdexcept>

#include "metrics/exposition.h"

namespace antcdn::metrics {

Registry::Series* Registry::find_or_add_locked(const std::string& name, const std::string& help,
                                               MetricType type, Labels labels, bool& added) {
  if (!is_valid_metric_name(name)) {
    throw std::logic_error("metrics: invalid metric name '" + name + "'");
  }
  for (const auto& [label, value] : labels) {
    if (!is_valid_label_name(label)) {
      throw std::logic_error("metrics: " + name + ": invalid label name '" + label + "'");
    }
  }
  Family* family = nullptr;
  for (auto& f : families_) {
    if (f.name == name) {
      family = &f;
      break;
    }
  }
  if (family == nullptr) {
    family = &families_.emplace_back(Family{name, help, type, {}});
  } else if (family->type != type) {
    throw std::logic_error("metrics: " + name + " declared with two types");
  }
  std::erase_if(family->series, [](const Series& s) { return s.owned && s.owner.expired(); });
  for (auto& s : family->series) {
    if (s.labels == labels) {
      added = false;
      return &s;
    }
  }
  added = true;
  return &family->series.emplace_back(Series{std::move(labels), {}});
}

template <typename M, typename Make>
M& Registry::declare(const std::string& name, const std::string& help, MetricType type,
                     Labels labels, Make make) {
  std::lock_guard lock(mutex_);
  bool added = false;
  Series* s = find_or_add_locked(name, help, type, std::move(labels), added);
  if (added) {
    s->metric = make();
  }
  return *std::get<M*>(s->metric);
}

Counter& Registry::counter(const std::string& name, const std::string& help, Labels labels) {
  return declare<Counter>(name, help, MetricType::Counter, std::move(labels),
                          [this] { return &counters_.emplace_back(); });
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, Labels labels) {
  return declare<Gauge>(name, help, MetricType::Gauge, std::move(labels),
                        [this] { return &gauges_.emplace_back(); });
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds, Labels labels) {
  return declare<Histogram>(name, help, MetricType::Histogram, std::move(labels), [this, &bounds] {
    return &histograms_.emplace_back(std::move(bounds));
  });
}

std::shared_ptr<Counter> Registry::owned_counter(const std::string& name, const std::string& help,
                                                 Labels labels) {
  std::lock_guard lock(mutex_);
  bool added = false;
  Series* s = find_or_add_locked(name, help, MetricType::Counter, std::move(labels), added);
  if (!added) {
    auto alive = s->owner.lock();
    // A permanent series of the same name and labels would be a programming
    // error; the counter then counts for nobody rather than end the process.
    assert(s->owned && alive);
    return alive ? alive : std::make_shared<Counter>();
  }
  auto counter = std::make_shared<Counter>();
  s->metric = counter.get();
  s->owner = counter;
  s->owned = true;
  return counter;
}

void Registry::add_collector(Collector collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::vector<MetricFamily> Registry::collect() const {
  std::vector<MetricFamily> out;
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : families_) {
      MetricFamily& family = out.emplace_back(MetricFamily{f.name, f.help, f.type, {}});
      for (const auto& s : f.series) {
        std::shared_ptr<Counter> keep = s.owner.lock();  // an owned series stays while read
        if (s.owned && !keep) {
          continue;
        }
        Sample sample{s.labels, 0, std::nullopt};
        if (const auto* c = std::get_if<Counter*>(&s.metric)) {
          sample.value = static_cast<double>((*c)->value());
        } else if (const auto* g = std::get_if<Gauge*>(&s.metric)) {
          sample.value = static_cast<double>((*g)->value());
        } else {
          sample.histogram = std::get<Histogram*>(s.metric)->value();
        }
        family.samples.push_back(std::move(sample));
      }
      if (family.samples.empty()) {
        out.pop_back();  // every series of it was owned, and is gone
      }
    }
    collectors = collectors_;
  }
  // Outside the lock: a collector may wait (on the database, say).
  for (const auto& collect : collectors) {
    collect(out);
  }
  return out;
}

std::string Registry::render() const {
  auto families = collect();
  return render_text(families);
}

}  // namespace antcdn::metrics
