#include "app/metrics_endpoint.h"

#include <string>

#include "metrics/exposition.h"

namespace antcdn::app {
namespace {

net::HttpResponse plain(int status, std::string_view code, std::string_view message) {
  net::HttpResponse res;
  res.status = status;
  res.set("Content-Type", "text/plain; charset=utf-8");
  res.body = std::string(code) + ": " + std::string(message) + "\n";
  return res;
}

}  // namespace

std::unique_ptr<net::HttpServer> make_metrics_server(net::EventLoop& loop,
                                                     net::HttpServerOptions options,
                                                     const metrics::Registry& registry,
                                                     net::BlockingPool& scrapes) {
  auto handle = [&registry, &scrapes](net::HttpRequest req, net::HttpRespond respond) {
    if (req.path() != "/metrics") {
      respond(plain(404, "not_found", "metrics are at /metrics"));
      return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      auto res = plain(405, "method_not_allowed", "use GET");
      res.set("Allow", "GET, HEAD");
      respond(std::move(res));
      return;
    }
    scrapes.post([&registry, respond = std::move(respond)] {
      net::HttpResponse res;
      res.set("Content-Type", std::string(metrics::kTextContentType));
      res.set("Cache-Control", "no-store");
      res.body = registry.render();
      respond(std::move(res));
    });
  };
  return std::make_unique<net::HttpServer>(loop, std::move(options), handle, plain);
}

}  // namespace antcdn::app
