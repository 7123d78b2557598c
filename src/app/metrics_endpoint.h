#pragma once

// GET /metrics (Prometheus text format) on a listener of its own
// (--metrics-listen), never on the API or edge port: it tells how busy the node
// is, which is for the operator only.

#include <memory>

#include "metrics/registry.h"
#include "net/blocking_pool.h"
#include "net/http_server.h"

namespace antcdn::app {

// The scrape runs on `scrapes` (a collector asks the database), and the loop
// only hands the request over. Every other path is a 404.
std::unique_ptr<net::HttpServer> make_metrics_server(net::EventLoop& loop,
                                                     net::HttpServerOptions options,
                                                     const metrics::Registry& registry,
                                                     net::BlockingPool& scrapes);

}  // namespace antcdn::app
