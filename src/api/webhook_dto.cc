#include "api/webhook_dto.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "common/time_util.h"
#include "net/url_policy.h"
#include "store/stream_events.h"

namespace antcdn::api {
namespace json = boost::json;
namespace {

Error invalid(std::string message) {
  return invalid_request(std::move(message));
}

Result<std::vector<std::string>> read_events(const json::value& v) {
  if (!v.is_array() || v.as_array().empty()) {
    return invalid("events must be a non-empty array of event types (or [\"*\"])");
  }
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) {
      return invalid("events must contain strings");
    }
    std::string type(item.as_string());
    if (type != "*" && !store::is_stream_event_type(type)) {
      return invalid("unknown event type " + type + "; see docs/api.md for the list");
    }
    if (std::find(out.begin(), out.end(), type) == out.end()) {
      out.push_back(type);
    }
  }
  if (std::find(out.begin(), out.end(), "*") != out.end()) {
    return std::vector<std::string>{"*"};
  }
  return out;
}

json::object webhook_object(const store::WebhookRecord& w) {
  json::array events;
  for (const auto& e : w.events) {
    events.emplace_back(e);
  }
  return json::object{{"webhookId", w.webhook_id},
                      {"url", w.url},
                      {"events", std::move(events)},
                      {"description", w.description},
                      {"createdAt", rfc3339_seconds(w.created_at_ms)}};
}

}  // namespace

Result<CreateWebhookRequest> parse_webhook_request(std::string_view body, bool allow_private) {
  auto o = parse_json_object(body);
  if (!o.ok()) {
    return o.error();
  }
  CreateWebhookRequest req{.events = {"*"}};
  bool has_url = false;
  for (const auto& [key, value] : *o) {
    if (key == "url") {
      if (!value.is_string()) {
        return invalid("url must be a string");
      }
      req.url = std::string(value.as_string());
      if (auto s = net::check_outbound_url(req.url, allow_private); !s.ok()) {
        return s.error();
      }
      has_url = true;
    } else if (key == "events") {
      auto events = read_events(value);
      if (!events.ok()) {
        return events.error();
      }
      req.events = std::move(*events);
    } else if (key == "description") {
      if (!value.is_string() || value.as_string().size() > kMaxWebhookDescription) {
        return invalid("description must be a string of at most " +
                       std::to_string(kMaxWebhookDescription) + " bytes");
      }
      req.description = std::string(value.as_string());
    } else {
      return invalid("unknown field " + std::string(key) + "; expected url, events, description");
    }
  }
  if (!has_url) {
    return invalid("url is required");
  }
  return req;
}

std::string webhook_json(const store::WebhookRecord& webhook, bool with_secret) {
  json::object o = webhook_object(webhook);
  if (with_secret) {
    o["secret"] = webhook.secret;
  }
  return json::serialize(o);
}

std::string webhook_list_json(const std::vector<store::WebhookRecord>& webhooks) {
  json::array data;
  for (const auto& w : webhooks) {
    data.push_back(webhook_object(w));
  }
  return json::serialize(json::object{{"data", std::move(data)}});
}

std::string attempts_json(const std::vector<store::DeliveryAttempt>& attempts) {
  json::array data;
  for (const auto& a : attempts) {
    data.push_back(json::object{
        {"eventId", a.event_id},
        {"type", a.type},
        {"attempt", a.attempt},
        {"statusCode", a.status_code ? json::value(*a.status_code) : json::value(nullptr)},
        {"error", a.error.empty() ? json::value(nullptr) : json::value(a.error)},
        {"outcome", a.outcome},
        {"time", rfc3339_millis(a.time_ms)},
    });
  }
  return json::serialize(json::object{{"data", std::move(data)}});
}

std::string test_queued_json(const std::string& event_id) {
  return json::serialize(json::object{{"eventId", event_id}, {"type", "webhook.test"}});
}

}  // namespace antcdn::api
