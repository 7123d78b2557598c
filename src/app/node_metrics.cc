#include "app/node_metrics.h"

#include <spdlog/spdlog.h>

#include "app/stream_state_counts.h"
#include "metrics/process_stats.h"

namespace antcdn::app {
namespace {

using metrics::make_family;
using metrics::MetricFamily;
using metrics::MetricType;

// How long a scrape waits for the database's stream counts.
constexpr std::chrono::milliseconds kStoreWait{1000};

void collect_stream_states(StreamStateCounts& states, std::vector<MetricFamily>& out) {
  auto counts = states.get(kStoreWait);
  if (!counts.ok()) {
    // Left out rather than reported as zeros: an outage must not look like an empty node.
    spdlog::warn("metrics: counting streams by state: {}", counts.error().describe());
    return;
  }
  MetricFamily f{"antcdn_streams", "Streams in the database, by state.", MetricType::Gauge, {}};
  for (auto state :
       {media::StreamState::Idle, media::StreamState::Connecting, media::StreamState::Live,
        media::StreamState::Ended, media::StreamState::Error}) {
    auto it = counts->find(state);
    f.samples.push_back({{{"state", std::string(media::to_string(state))}},
                         it == counts->end() ? 0.0 : static_cast<double>(it->second),
                         std::nullopt});
  }
  out.push_back(std::move(f));
}

// One unlabelled sample per family.
struct Figure {
  const char* name;
  const char* help;
  MetricType type;
  double value;
};

void add_figures(std::vector<MetricFamily>& out, std::initializer_list<Figure> figures) {
  for (const auto& f : figures) {
    out.push_back(make_family(f.name, f.help, f.type, f.value));
  }
}

void collect_cache(const storage::CacheStats& s, std::vector<MetricFamily>& out) {
  auto n = [](auto v) { return static_cast<double>(v); };
  add_figures(out, {
                       {"antcdn_cache_hits_total",
                        "Object reads the memory cache answered (edge and packager).",
                        MetricType::Counter, n(s.hits)},
                       {"antcdn_cache_misses_total", "Object reads that went to the object store.",
                        MetricType::Counter, n(s.misses)},
                       {"antcdn_cache_coalesced_total",
                        "Misses that waited for another reader's answer instead of reading.",
                        MetricType::Counter, n(s.coalesced)},
                       {"antcdn_cache_bytes", "Payload bytes held in the memory cache.",
                        MetricType::Gauge, n(s.bytes)},
                       {"antcdn_cache_objects", "Objects held in the memory cache.",
                        MetricType::Gauge, n(s.entries)},
                   });
}

void collect_write_queue(const storage::WriteQueueStats& s, std::vector<MetricFamily>& out) {
  auto n = [](auto v) { return static_cast<double>(v); };
  MetricFamily jobs{"antcdn_storage_writes_total",
                    "Object-store writes (puts and removes) by outcome.",
                    MetricType::Counter,
                    {}};
  for (auto [outcome, count] :
       {std::pair{"stored", s.completed_jobs}, std::pair{"failed", s.failed_jobs},
        std::pair{"abandoned", s.abandoned_jobs}}) {
    jobs.samples.push_back({{{"outcome", outcome}}, n(count), std::nullopt});
  }
  out.push_back(std::move(jobs));
  add_figures(out, {
                       {"antcdn_storage_write_retries_total",
                        "Object-store write attempts that were retried.", MetricType::Counter,
                        n(s.retries)},
                       {"antcdn_storage_queued_bytes",
                        "Bytes waiting in the write queue (running writes included).",
                        MetricType::Gauge, n(s.queued_bytes)},
                       {"antcdn_storage_queued_writes", "Writes waiting in the write queue.",
                        MetricType::Gauge, n(s.queued_jobs)},
                   });
}

void collect_loops(const net::EventLoop& ingest, const net::EventLoop& edge,
                   std::vector<MetricFamily>& out) {
  MetricFamily f{"antcdn_event_loop_worst_lateness_seconds",
                 "The latest a probe timer fired on the loop since start (the loop was busy).",
                 MetricType::Gauge,
                 {}};
  for (const net::EventLoop* loop : {&ingest, &edge}) {
    f.samples.push_back({{{"loop", loop->name()}},
                         static_cast<double>(loop->worst_latency().count()) / 1e6,
                         std::nullopt});
  }
  out.push_back(std::move(f));
}

}  // namespace

void add_node_collectors(metrics::Registry& registry, NodeMetricSources sources) {
  auto states = std::make_shared<StreamStateCounts>(
      [&streams = sources.streams] { return streams.count_by_state(); }, sources.store_queries);
  registry.add_collector([sources, states](std::vector<MetricFamily>& out) {
    collect_stream_states(*states, out);
    collect_cache(sources.cache.stats(), out);
    collect_write_queue(sources.writes.stats(), out);
    collect_loops(sources.ingest_loop, sources.edge_loop, out);
    metrics::collect_process_metrics(out);
  });
}

std::function<void(std::string_view key, std::chrono::nanoseconds took, bool stored)>
segment_write_observer(metrics::Registry& registry) {
  auto& latency = registry.histogram(
      "antcdn_segment_write_seconds",
      "Time to store a media segment, from its first attempt to success (retries included).",
      metrics::latency_buckets());
  auto& failures = registry.counter("antcdn_segment_write_failures_total",
                                    "Media segments the write queue gave up on.");
  return [&latency, &failures](std::string_view key, std::chrono::nanoseconds took, bool stored) {
    if (!key.ends_with(".m4s")) {
      return;  // playlists and init sections
    }
    if (stored) {
      latency.observe(std::chrono::duration<double>(took).count());
    } else {
      failures.inc();
    }
  };
}

metrics::Histogram& loop_lateness_histogram(metrics::Registry& registry, const std::string& loop) {
  return registry.histogram(
      "antcdn_event_loop_lateness_seconds",
      "How late the loop's probe timer fired (how long the loop was busy with other work).",
      {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1}, {{"loop", loop}});
}

}  // namespace antcdn::app
