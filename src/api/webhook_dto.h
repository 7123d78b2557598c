#pragma once

// JSON <-> domain for /v1/webhooks. Unlike the stream calls, unknown fields
// are refused (400): a misspelt "event" must not silently subscribe to all.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/repositories.h"

namespace antcdn::api {

inline constexpr size_t kMaxWebhookDescription = 500;  // characters

struct CreateWebhookRequest {
  std::string url;
  std::vector<std::string> events;  // {"*"} when omitted
  std::string description;
};

// `allow_private`: --webhooks-allow-private (net/url_policy.h).
Result<CreateWebhookRequest> parse_webhook_request(std::string_view body, bool allow_private);

// The resource; `with_secret` only in the answer to POST.
std::string webhook_json(const store::WebhookRecord& webhook, bool with_secret);
std::string webhook_list_json(const std::vector<store::WebhookRecord>& webhooks);
std::string attempts_json(const std::vector<store::DeliveryAttempt>& attempts);
std::string test_queued_json(const std::string& event_id);

}  // namespace antcdn::api
