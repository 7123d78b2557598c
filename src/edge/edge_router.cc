#include "edge/edge_router.h"

#include <string>

namespace antcdn::edge {

net::HttpResponse text_error(int status, std::string_view code, std::string_view message) {
  net::HttpResponse res;
  res.status = status;
  res.set("Content-Type", "text/plain; charset=utf-8");
  res.set("Access-Control-Allow-Origin", "*");
  res.set("Cache-Control", "no-cache");
  res.body = std::string(code) + ": " + std::string(message) + "\n";
  return res;
}

net::HttpResponse EdgeRouter::handle(const net::HttpRequest& req) {
  if (req.path() == "/healthz") {
    net::HttpResponse res;
    res.set("Content-Type", "text/plain");
    res.body = "ok\n";
    return res;
  }
  return text_error(404, "not_found", "no such stream or object");
}

}  // namespace antcdn::edge
