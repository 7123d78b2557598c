#pragma once

// The /v1/webhooks resource: each method is one API call, already
// authenticated; `owner` is the caller's API key id. Another key's webhook is
// answered exactly like a missing one (404).

#include <string>

#include "net/http_message.h"
#include "store/repositories.h"

namespace antcdn::api {

struct WebhookOptions {
  bool allow_private = false;  // --webhooks-allow-private
  int max_per_key = 20;        // POST answers 429 beyond it
};

class Webhooks {
 public:
  Webhooks(store::WebhookRepository& repo, WebhookOptions options)
      : repo_(repo), options_(options) {}

  net::HttpResponse create(const std::string& owner, const net::HttpRequest& req);
  net::HttpResponse list(const std::string& owner);
  net::HttpResponse get(const std::string& owner, const std::string& webhook_id);
  net::HttpResponse remove(const std::string& owner, const std::string& webhook_id);
  net::HttpResponse send_test(const std::string& owner, const std::string& webhook_id);
  net::HttpResponse deliveries(const std::string& owner, const std::string& webhook_id,
                               const net::HttpRequest& req);

 private:
  // The caller's webhook, or the error answer (404 for another key's).
  Result<store::WebhookRecord> owned(const std::string& owner, const std::string& webhook_id);

  store::WebhookRepository& repo_;
  WebhookOptions options_;
};

}  // namespace antcdn::api
