#include "metrics/registry.h"

#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace antcdn::metrics {
namespace {

TEST(Registry, SameNameAndLabelsIsTheSameMetric) {
  Registry r;
  Counter& a = r.counter("c_total", "h", {{"kind", "video"}});
  Counter& b = r.counter("c_total", "h", {{"kind", "video"}});
  Counter& c = r.counter("c_total", "h", {{"kind", "audio"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  a.inc(5);
  c.inc();
  auto families = r.collect();
  ASSERT_EQ(families.size(), 1u);
  ASSERT_EQ(families[0].samples.size(), 2u);
  EXPECT_EQ(families[0].samples[0].value, 5);
  EXPECT_EQ(families[0].samples[1].value, 1);
}

TEST(Registry, RefusesTypeClashesAndBadNames) {
  Registry r;
  r.counter("x_total", "h");
  EXPECT_THROW(r.gauge("x_total", "h"), std::logic_error);
  EXPECT_THROW(r.gauge("bad name", "h"), std::logic_error);
  EXPECT_THROW(r.gauge("ok", "h", {{"__secret", "v"}}), std::logic_error);
}

TEST(Registry, RendersMetricsThenCollectors) {
  Registry r;
  r.gauge("g", "a gauge").set(-2);
  r.histogram("h_seconds", "a histogram", {0.1, 1}).observe(0.5);
  r.add_collector([](std::vector<MetricFamily>& out) {
    out.push_back(make_family("collected", "from a collector", MetricType::Gauge, 9));
  });
  EXPECT_EQ(r.render(),
            "# HELP g a gauge\n# TYPE g gauge\ng -2\n"
            "# HELP h_seconds a histogram\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.1\"} 0\n"
            "h_seconds_bucket{le=\"1\"} 1\n"
            "h_seconds_bucket{le=\"+Inf\"} 1\n"
            "h_seconds_sum 0.5\n"
            "h_seconds_count 1\n"
            "# HELP collected from a collector\n# TYPE collected gauge\ncollected 9\n");
}

TEST(Registry, OwnedSeriesLastWhileHeld) {
  Registry r;
  r.counter("total_all", "h").inc(3);
  auto a = r.owned_counter("per_stream_total", "h", {{"stream", "ls_a"}});
  auto again = r.owned_counter("per_stream_total", "h", {{"stream", "ls_a"}});
  EXPECT_EQ(a, again) << "one series per label set, however many holders";
  auto b = r.owned_counter("per_stream_total", "h", {{"stream", "ls_b"}});
  a->inc(2);
  b->inc(5);
  EXPECT_EQ(r.render(),
            "# HELP total_all h\n# TYPE total_all counter\ntotal_all 3\n"
            "# HELP per_stream_total h\n# TYPE per_stream_total counter\n"
            "per_stream_total{stream=\"ls_a\"} 2\nper_stream_total{stream=\"ls_b\"} 5\n");
  a.reset();
  EXPECT_EQ(r.collect().back().samples.size(), 2u) << "a second holder keeps it";
  again.reset();
  b.reset();
  EXPECT_EQ(r.render(), "# HELP total_all h\n# TYPE total_all counter\ntotal_all 3\n")
      << "a family whose series are all gone leaves no HELP behind";
  auto fresh = r.owned_counter("per_stream_total", "h", {{"stream", "ls_a"}});
  EXPECT_EQ(fresh->value(), 0u) << "a new holder starts a new series";
}

TEST(Histogram, BoundsAreInclusiveAndOverflowGoesToInf) {
  Histogram h({1, 2});
  h.observe(0);
  h.observe(1);
  h.observe(1.5);
  h.observe(100);
  HistogramValue v = h.value();
  EXPECT_EQ(v.counts, (std::vector<uint64_t>{2, 1, 1}));
  EXPECT_DOUBLE_EQ(v.sum, 102.5);
}

TEST(Counter, ManyThreadsAddWithoutLoss) {
  Registry r;
  Counter& c = r.counter("c_total", "h");
  Gauge& g = r.gauge("g", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        g.add(2);
        g.sub(1);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(c.value(), 40000u);
  EXPECT_EQ(g.value(), 40000);
}

}  // namespace
}  // namespace antcdn::metrics
