#pragma once

// An HTTP/1.1 server (Beast underneath) that hands complete requests to a plain
// handler and enforces the limits that keep hostile clients from hurting it:
// header and body size, a deadline for each request to arrive, progress while
// the response is written, an idle keep-alive timeout, and connection caps
// (in all and per remote address).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "net/event_loop.h"
#include "net/http_message.h"

namespace antcdn::net {

// Answers one request. Callable from any thread; only the first call counts.
using HttpRespond = std::function<void(HttpResponse)>;
// Starts answering `req` and returns at once: it runs on an event-loop thread,
// so anything that may block goes to a BlockingPool, which calls `respond`.
using HttpHandler = std::function<void(HttpRequest req, HttpRespond respond)>;
// Renders protocol-level failures (400, 408, 413, 431) in the listener's own style.
using HttpErrorRenderer =
    std::function<HttpResponse(int status, std::string_view code, std::string_view message)>;

struct HttpServerOptions {
  std::string name = "http";  // for log lines
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = pick a free port
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds request_timeout{15000};  // whole request must arrive within this
  // A response may take as long as it needs (a segment to a slow viewer), but
  // each write must make progress within this, or the connection is closed.
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive wait for the next request
  size_t max_connections = 10000;
  size_t max_connections_per_address = 0;  // 0: no cap
  // When the handler has not answered within this: 503 with Retry-After (0: wait).
  std::chrono::milliseconds handler_timeout{0};
};

class HttpServer {
 public:
  HttpServer(EventLoop& loop, HttpServerOptions options, HttpHandler handler,
             HttpErrorRenderer render_error);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting; returns the bound port.
  Result<uint16_t> start();
  void stop();

  struct Impl;  // public so that the connection coroutines in the .cc can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace antcdn::net
