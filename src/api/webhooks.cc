#include "api/webhooks.h"

#include <charconv>

#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "api/event_dto.h"
#include "api/webhook_dto.h"
#include "common/ids.h"
#include "common/time_util.h"

namespace antcdn::api {
namespace {

constexpr int kDefaultAttempts = 25;
constexpr int kMaxAttempts = 100;

Error not_found() {
  return make_error(Code::NotFound, "webhook not found");
}

}  // namespace

Result<store::WebhookRecord> Webhooks::owned(const std::string& owner,
                                             const std::string& webhook_id) {
  if (!ids::is_webhook_id(webhook_id)) {
    return not_found();
  }
  auto found = repo_.get_webhook(webhook_id);
  if (!found.ok()) {
    return found.error();
  }
  if (!*found || (*found)->owner_key_id != owner) {
    return not_found();
  }
  return std::move(**found);
}

net::HttpResponse Webhooks::create(const std::string& owner, const net::HttpRequest& req) {
  auto parsed = parse_webhook_request(req.body, options_.allow_private);
  if (!parsed.ok()) {
    return error_response(parsed.error());
  }
  auto existing = repo_.list_webhooks(owner);
  if (!existing.ok()) {
    return error_response(existing.error());
  }
  if (static_cast<int>(existing->size()) >= options_.max_per_key) {
    return error_response(make_error(
        Code::ResourceExhausted, "this API key already has " + std::to_string(existing->size()) +
                                     " webhooks, its limit; delete one first"));
  }
  int64_t now = unix_now_ms();
  store::WebhookRecord record{
      .webhook_id = ids::new_webhook_id(now),
      .owner_key_id = owner,
      .url = parsed->url,
      .events = parsed->events,
      .description = parsed->description,
      .secret = std::string(ids::new_webhook_secret().reveal()),
      .created_at_ms = now,
  };
  if (auto s = repo_.create_webhook(record); !s.ok()) {
    spdlog::error("api: create webhook failed: {}", s.error().describe());
    return error_response(s.error());
  }
  spdlog::info("api: created webhook {}", record.webhook_id);
  return json_response(201, webhook_json(record, true))
      .set("Location", "/v1/webhooks/" + record.webhook_id);
}

net::HttpResponse Webhooks::list(const std::string& owner) {
  auto rows = repo_.list_webhooks(owner);
  if (!rows.ok()) {
    return error_response(rows.error());
  }
  return json_response(200, webhook_list_json(*rows));
}

net::HttpResponse Webhooks::get(const std::string& owner, const std::string& webhook_id) {
  auto w = owned(owner, webhook_id);
  return w.ok() ? json_response(200, webhook_json(*w, false)) : error_response(w.error());
}

net::HttpResponse Webhooks::remove(const std::string& owner, const std::string& webhook_id) {
  auto w = owned(owner, webhook_id);
  if (!w.ok()) {
    return error_response(w.error());
  }
  if (auto s = repo_.remove_webhook(webhook_id); !s.ok()) {
    return error_response(s.error().code == Code::NotFound ? not_found() : s.error());
  }
  spdlog::info("api: deleted webhook {}", webhook_id);
  net::HttpResponse res;
  res.status = 204;
  return res;
}

net::HttpResponse Webhooks::send_test(const std::string& owner, const std::string& webhook_id) {
  auto w = owned(owner, webhook_id);
  if (!w.ok()) {
    return error_response(w.error());
  }
  int64_t now = unix_now_ms();
  store::EventHeader header{ids::new_event_id(now), std::string(kTestEventType), now};
  store::EventRecord event{
      .event_id = header.event_id,
      .type = header.type,
      .owner_key_id = owner,
      .created_at_ms = now,
      .body = test_event_json(header, webhook_id),
  };
  if (auto s = repo_.add_test_event(webhook_id, event); !s.ok()) {
    return error_response(s.error());
  }
  // Queued like any event: the delivery worker sends it within a second; its
  // outcome shows in the deliveries list.
  return json_response(202, test_queued_json(header.event_id));
}

net::HttpResponse Webhooks::deliveries(const std::string& owner, const std::string& webhook_id,
                                       const net::HttpRequest& req) {
  auto query = net::parse_query(req.query());
  if (!query.ok()) {
    return error_response(query.error());
  }
  int limit = kDefaultAttempts;
  for (const auto& [k, v] : *query) {
    if (k == "limit") {
      int n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || p != v.data() + v.size() || n < 1 || n > kMaxAttempts) {
        return error_response(400, "invalid_request",
                              "limit must be an integer from 1 to " + std::to_string(kMaxAttempts));
      }
      limit = n;
    }
  }
  auto w = owned(owner, webhook_id);
  if (!w.ok()) {
    return error_response(w.error());
  }
  auto attempts = repo_.list_attempts(webhook_id, limit);
  if (!attempts.ok()) {
    return error_response(attempts.error());
  }
  return json_response(200, attempts_json(*attempts));
}

}  // namespace antcdn::api
