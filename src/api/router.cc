#include "api/router.h"

#include <cctype>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "api/errors.h"
#include "common/ids.h"
#include "web/responses.h"

namespace antcdn::api {
namespace {

constexpr std::string_view kCollection = "/v1/live-streams";

constexpr std::string_view kWebhooks = "/v1/webhooks";

constexpr std::string_view kRecordings = "/v1/recordings/";

constexpr std::string_view kConsoleAssets = "/console/assets/";

// The API's own description (web/openapi.json, embedded): public, like the console.
constexpr std::string_view kOpenApi = "/v1/openapi.json";

enum class Route {
  Collection,
  Item,
  RotateKey,
  StreamEvents,
  StreamRecordings,
  Recording,
  Webhooks,
  Webhook,
  WebhookTest,
  WebhookDeliveries,
  Health,
  OpenApi,
  Root,
  Console,
  ConsoleAsset,
  Unknown
};

struct Match {
  Route route = Route::Unknown;
  std::string stream_id;  // or, for ConsoleAsset, the file name
};

bool is_webhook_route(Route r) {
  return r == Route::Webhooks || r == Route::Webhook || r == Route::WebhookTest ||
         r == Route::WebhookDeliveries;
}

// /v1/webhooks[/{id}[/test|/deliveries]]
Match match_webhooks(std::string_view path) {
  if (path == kWebhooks || path == std::string(kWebhooks) + "/") {
    return {Route::Webhooks, {}};
  }
  std::string_view rest = path.substr(kWebhooks.size() + 1);
  auto slash = rest.find('/');
  std::string id(rest.substr(0, slash));
  if (slash == std::string_view::npos) {
    return {Route::Webhook, std::move(id)};
  }
  if (rest.substr(slash) == "/test") {
    return {Route::WebhookTest, std::move(id)};
  }
  if (rest.substr(slash) == "/deliveries") {
    return {Route::WebhookDeliveries, std::move(id)};
  }
  return {};
}

Match match(std::string_view path) {
  if (path == kWebhooks || path.starts_with(std::string(kWebhooks) + "/")) {
    return match_webhooks(path);
  }
  if (path == "/healthz") {
    return {Route::Health, {}};
  }
  if (path.starts_with(kRecordings) && path.find('/', kRecordings.size()) == std::string::npos) {
    return {Route::Recording, std::string(path.substr(kRecordings.size()))};
  }
  if (path == kOpenApi) {
    return {Route::OpenApi, {}};
  }
  if (path == "/") {
    return {Route::Root, {}};
  }
  if (path == "/console" || path == "/console/") {
    return {Route::Console, {}};
  }
  if (path.starts_with(kConsoleAssets)) {
    return {Route::ConsoleAsset, std::string(path.substr(kConsoleAssets.size()))};
  }
  if (path == kCollection || path == std::string(kCollection) + "/") {
    return {Route::Collection, {}};
  }
  if (!path.starts_with(std::string(kCollection) + "/")) {
    return {};
  }
  std::string_view rest = path.substr(kCollection.size() + 1);
  auto slash = rest.find('/');
  std::string id(rest.substr(0, slash));
  if (slash == std::string_view::npos) {
    return {Route::Item, std::move(id)};
  }
  if (rest.substr(slash) == "/rotate-key") {
    return {Route::RotateKey, std::move(id)};
  }
  if (rest.substr(slash) == "/events") {
    return {Route::StreamEvents, std::move(id)};
  }
  if (rest.substr(slash) == "/recordings") {
    return {Route::StreamRecordings, std::move(id)};
  }
  return {};
}

std::string_view allowed_methods(Route r) {
  switch (r) {
    case Route::Collection:
      return "GET, POST";
    case Route::Item:
      return "GET, PATCH, DELETE";
    case Route::RotateKey:
      return "POST";
    case Route::StreamEvents:
    case Route::StreamRecordings:
      return "GET";
    case Route::Recording:
      return "GET, DELETE";
    case Route::Webhooks:
      return "GET, POST";
    case Route::Webhook:
      return "GET, DELETE";
    case Route::WebhookTest:
      return "POST";
    case Route::WebhookDeliveries:
      return "GET";
    case Route::Health:
    case Route::OpenApi:
    case Route::Root:
    case Route::Console:
    case Route::ConsoleAsset:
      return "GET, HEAD";
    case Route::Unknown:
      break;
  }
  return "";
}

bool method_allowed(Route r, std::string_view method) {
  std::string_view allowed = allowed_methods(r);
  size_t pos = 0;
  while (pos < allowed.size()) {
    size_t end = allowed.find(", ", pos);
    if (allowed.substr(pos, end - pos) == method) {
      return true;
    }
    pos = end == std::string_view::npos ? allowed.size() : end + 2;
  }
  return false;
}

// The broadcaster console is public HTML; it signs in by calling /v1 with a key.
std::optional<net::HttpResponse> serve_console(const Match& m) {
  switch (m.route) {
    case Route::Root: {
      net::HttpResponse res;
      res.status = 302;
      res.set("Location", "/console");
      return res;
    }
    case Route::Console:
    case Route::ConsoleAsset: {
      auto res = m.route == Route::Console ? web::page_response("console.html", web::Framing::Deny)
                                           : web::asset_response(m.stream_id);
      return res ? std::move(res) : error_response(404, "not_found", "no such file");
    }
    default:
      return std::nullopt;
  }
}

bool is_json(const net::HttpRequest& req) {
  auto ct = req.header("content-type");
  if (!ct) {
    return false;
  }
  std::string media(ct->substr(0, ct->find(';')));
  while (!media.empty() && media.back() == ' ') {
    media.pop_back();
  }
  for (char& c : media) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return media == "application/json";
}

// One /v1/webhooks call (authenticated; the id, if any, unchecked).
net::HttpResponse dispatch_webhook(Webhooks& hooks, const std::string& owner, const Match& m,
                                   const net::HttpRequest& req) {
  switch (m.route) {
    case Route::Webhooks:
      return req.method == "POST" ? hooks.create(owner, req) : hooks.list(owner);
    case Route::Webhook:
      return req.method == "GET" ? hooks.get(owner, m.stream_id) : hooks.remove(owner, m.stream_id);
    case Route::WebhookTest:
      return hooks.send_test(owner, m.stream_id);
    default:
      return hooks.deliveries(owner, m.stream_id, req);
  }
}

}  // namespace

std::optional<net::HttpResponse> Router::answer_without_store(const net::HttpRequest& req) {
  Match m = match(req.path());
  if (m.route == Route::Unknown) {
    return error_response(404, "not_found", "no such endpoint");
  }
  if (!method_allowed(m.route, req.method)) {
    return error_response(
               405, "method_not_allowed",
               req.method + " is not allowed here; use " + std::string(allowed_methods(m.route)))
        .set("Allow", std::string(allowed_methods(m.route)));
  }
  if (m.route == Route::Health) {
    return json_response(200, R"({"status":"ok"})");
  }
  if (m.route == Route::OpenApi) {
    if (auto doc = web::document_response("openapi.json")) {
      return std::move(*doc);
    }
    return error_response(404, "not_found", "no such file");
  }
  if (auto page = serve_console(m)) {
    return std::move(*page);
  }
  return std::nullopt;
}

net::HttpResponse Router::handle(const net::HttpRequest& req) {
  if (auto answer = answer_without_store(req)) {
    return std::move(*answer);
  }
  Match m = match(req.path());
  auto key = authenticate(req, keys_);
  if (!key.ok()) {
    if (key.error().code != Code::Unauthenticated) {
      spdlog::error("api: authentication failed: {}", key.error().describe());
    }
    return error_response(key.error());
  }
  const std::string& owner = key->key_id;
  bool has_body =
      req.method == "POST" && (m.route == Route::Collection || m.route == Route::Webhooks);
  has_body = has_body || req.method == "PATCH";
  if (has_body && !is_json(req)) {
    return error_response(415, "unsupported_media_type",
                          "send the request body as Content-Type: application/json");
  }
  if (is_webhook_route(m.route)) {
    if (webhooks_ == nullptr) {
      return error_response(404, "not_found", "no such endpoint");
    }
    return dispatch_webhook(*webhooks_, owner, m, req);
  }
  if (m.route == Route::Recording) {
    if (recordings_ == nullptr) {
      return error_response(404, "not_found", "no such endpoint");
    }
    return req.method == "GET" ? recordings_->get(owner, m.stream_id)
                               : recordings_->remove(owner, m.stream_id);
  }
  // Ids are validated before any lookup; a malformed one cannot exist.
  if (!m.stream_id.empty() && !ids::is_stream_id(m.stream_id)) {
    return error_response(404, "not_found", "live stream not found");
  }
  switch (m.route) {
    case Route::Collection:
      return req.method == "POST" ? streams_.create(owner, req) : streams_.list(owner, req);
    case Route::Item:
      if (req.method == "GET") {
        return streams_.get(owner, m.stream_id);
      }
      if (req.method == "PATCH") {
        return streams_.patch(owner, m.stream_id, req);
      }
      return streams_.remove(owner, m.stream_id);
    case Route::RotateKey:
      return streams_.rotate_key(owner, m.stream_id, req);
    case Route::StreamEvents:
      if (events_ == nullptr) {
        break;
      }
      return events_->open(owner, m.stream_id, req);
    case Route::StreamRecordings:
      if (recordings_ == nullptr) {
        break;
      }
      return recordings_->list(owner, m.stream_id, req);
    case Route::Recording:
    case Route::Webhooks:
    case Route::Webhook:
    case Route::WebhookTest:
    case Route::WebhookDeliveries:
    case Route::Health:
    case Route::OpenApi:
    case Route::Root:
    case Route::Console:
    case Route::ConsoleAsset:
    case Route::Unknown:
      break;
  }
  return error_response(404, "not_found", "no such endpoint");
}

}  // namespace antcdn::api
