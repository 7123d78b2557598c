#pragma once

// What /metrics reads from the node's components at scrape time (collectors)
// and the observers handed to components that report through a callback. The
// counters components bump themselves are declared in their own folders
// (ingest_metrics.h, transcode_metrics.h, edge_metrics.h).

#include <chrono>
#include <functional>
#include <string_view>
#include <vector>

#include "metrics/registry.h"
#include "net/blocking_pool.h"
#include "net/event_loop.h"
#include "storage/cached_store.h"
#include "storage/write_queue.h"
#include "store/repositories.h"

namespace antcdn::app {

struct NodeMetricSources {
  store::StreamRepository& streams;
  net::BlockingPool& store_queries;  // where `streams` is asked (stream_state_counts.h)
  const storage::CachedStore& cache;
  const storage::WriteQueue& writes;
  const net::EventLoop& ingest_loop;
  const net::EventLoop& edge_loop;
};

// Streams by state, the edge cache, the write queue, the loops' worst lateness
// and the process figures, read at every scrape.
void add_node_collectors(metrics::Registry& registry, NodeMetricSources sources);

// WriteQueueOptions::on_put_done: latency and failures of segment writes.
std::function<void(std::string_view key, std::chrono::nanoseconds took, bool stored)>
segment_write_observer(metrics::Registry& registry);

// The event-loop latency probe's histogram for `loop`.
metrics::Histogram& loop_lateness_histogram(metrics::Registry& registry, const std::string& loop);

}  // namespace antcdn::app
