#include "edge/edge_router.h"

#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/ids.h"
#include "common/time_util.h"
#include "edge/cache_policy.h"
#include "web/responses.h"

namespace antcdn::edge {
namespace {

net::HttpResponse not_found() {
  return text_error(404, "not_found", "no such stream or object");
}

std::string json_time(const std::optional<int64_t>& ms) {
  return ms ? "\"" + rfc3339_seconds(*ms) + "\"" : "null";
}

void set_object_headers(net::HttpResponse& res, ObjectHeaders h) {
  res.set("Content-Type", std::string(h.content_type));
  res.set("Cache-Control", std::string(h.cache_control));
  add_cors_headers(res);
}

}  // namespace

net::HttpResponse text_error(int status, std::string_view code, std::string_view message) {
  net::HttpResponse res;
  res.status = status;
  res.set("Content-Type", "text/plain; charset=utf-8");
  add_cors_headers(res);
  res.set("Cache-Control", "no-cache");
  res.body = std::string(code) + ": " + std::string(message) + "\n";
  return res;
}

EdgeRouter::EdgeRouter(storage::ObjectStore& objects, StreamDirectory& directory)
    : objects_(objects), directory_(directory) {}

net::HttpResponse EdgeRouter::handle(const net::HttpRequest& req) {
  if (req.method == "OPTIONS") {
    return preflight_response();
  }
  if (req.method != "GET" && req.method != "HEAD") {
    auto res = text_error(405, "method_not_allowed", "the edge serves GET, HEAD and OPTIONS");
    res.set("Allow", "GET, HEAD, OPTIONS");
    return res;
  }
  if (req.path() == "/healthz") {
    net::HttpResponse res;
    res.set("Content-Type", "text/plain");
    res.set("Cache-Control", "no-cache");
    add_cors_headers(res);
    res.body = "ok\n";
    return res;
  }
  if (req.path().starts_with("/watch/")) {
    return serve_watch(req.path().substr(std::string_view("/watch/").size()));
  }
  std::optional<EdgePath> path = parse_edge_path(req.path());
  if (!path) {
    return not_found();
  }
  std::optional<EdgeStreamInfo> info = directory_.lookup(path->edge_id);
  if (!info) {
    return not_found();
  }
  if (path->resource == EdgeResource::Status) {
    return serve_status(*info);
  }
  // An idle stream has nothing to play: never published, or held long enough
  // after its end. Leftover objects of an old session must not resurface.
  if (info->state == lifecycle::State::Idle) {
    return not_found();
  }
  return serve_object(*path);
}

// The viewer page is the same for every stream; its script reads the edgeId
// from the URL and asks status.json. Unknown streams get the page with a 404,
// so a browser shows a proper "not found" and a crawler sees the status.
net::HttpResponse EdgeRouter::serve_watch(std::string_view rest) {
  if (rest.starts_with("assets/")) {
    auto res = web::asset_response(rest.substr(std::string_view("assets/").size()));
    return res ? std::move(*res) : not_found();
  }
  if (!ids::is_edge_id(rest)) {
    return not_found();
  }
  int status = directory_.lookup(std::string(rest)) ? 200 : 404;
  auto page = web::page_response("watch.html", web::Framing::Allow, status);
  return page ? std::move(*page) : not_found();
}

net::HttpResponse EdgeRouter::serve_status(const EdgeStreamInfo& info) {
  net::HttpResponse res;
  set_object_headers(res, status_headers());
  // Hand-written: every value is an enum name or a formatted time, nothing to escape.
  res.body = fmt::format(R"({{"state":"{}","startedAt":{},"endedAt":{}}})",
                         lifecycle::to_string(info.state), json_time(info.started_at_ms),
                         json_time(info.ended_at_ms));
  return res;
}

net::HttpResponse EdgeRouter::serve_object(const EdgePath& path) {
  Result<storage::ObjectPtr> object = objects_.get(path.object_key);
  if (!object.ok()) {
    const Error& e = object.error();
    if (e.code == Code::NotFound || e.code == Code::InvalidArgument) {
      return not_found();
    }
    spdlog::warn("edge: reading {} failed: {}", path.object_key, e.describe());
    auto res = text_error(503, "unavailable", "storage is unavailable, retry shortly");
    res.set("Retry-After", "1");
    return res;
  }
  net::HttpResponse res;
  set_object_headers(res, headers_for_key(path.object_key));
  // Shares the cached bytes (aliasing the object's lifetime): no copy per request.
  res.shared_body = std::shared_ptr<const Bytes>(*object, &(*object)->data);
  return res;
}

}  // namespace antcdn::edge
