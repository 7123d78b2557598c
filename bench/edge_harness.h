#pragma once

// What the in-process edge benchmarks share besides their clients: a stream
// directory in which every stream is live, the edge's HTTP listener run on an
// EventLoop's own threads, as src/app/server.cc runs it, and their flags.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "edge/edge_router.h"
#include "edge/stream_directory.h"
#include "net/event_loop.h"
#include "net/http_server.h"

namespace antcdn::bench {

// Every edge id is a live stream, known in memory (answers at once).
class LiveDirectory final : public edge::StreamDirectory {
 public:
  std::optional<edge::EdgeStreamInfo> lookup(const std::string&) override {
    return edge::EdgeStreamInfo{media::StreamState::Live, 0, std::nullopt};
  }
  void lookup_async(const std::string& edge_id, LookupCallback done) override {
    done(lookup(edge_id));
  }
  void has_recording_async(const std::string&, const std::string&,
                           RecordingCallback done) override {
    done(false);  // live streams only
  }
};

// An "edge" HttpServer on 127.0.0.1:0 whose loop runs on `threads` threads
// until this goes. Declare it last among its owner's members, so that the
// loop stops before what the handler uses goes.
class EdgeListener {
 public:
  EdgeListener(net::EventLoop& loop, int threads, std::chrono::milliseconds handler_timeout,
               net::HttpHandler handler)
      : loop_(loop) {
    net::HttpServerOptions options;
    options.name = "edge";
    options.handler_timeout = handler_timeout;
    server_ =
        std::make_unique<net::HttpServer>(loop_, options, std::move(handler), edge::text_error);
    auto port = server_->start();
    if (!port.ok()) {
      std::fprintf(stderr, "edge: %s\n", port.error().describe().c_str());
      std::exit(1);
    }
    port_ = *port;
    runner_ = std::thread([this, threads] { loop_.run(threads); });
  }

  ~EdgeListener() {
    loop_.stop();
    runner_.join();  // then the server goes, closing its acceptor
  }
  EdgeListener(const EdgeListener&) = delete;
  EdgeListener& operator=(const EdgeListener&) = delete;

  uint16_t port() const { return port_; }

 private:
  net::EventLoop& loop_;
  std::unique_ptr<net::HttpServer> server_;
  uint16_t port_ = 0;
  std::thread runner_;
};

// Calls `set(name, value)` for each `--name=value`; false at the first
// argument of another form, or one that `set` refuses.
inline bool parse_flags(int argc, char** argv,
                        const std::function<bool(std::string_view name, const char* value)>& set) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto eq = a.find('=');
    if (!a.starts_with("--") || eq == std::string_view::npos ||
        !set(a.substr(2, eq - 2), argv[i] + eq + 1)) {
      return false;
    }
  }
  return true;
}

}  // namespace antcdn::bench
