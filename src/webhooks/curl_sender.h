#pragma once

// WebhookSender over libcurl: http/https only, no redirects, no proxies from
// the environment, a 10 s limit on the whole exchange, and the URL policy
// (net/url_policy.h) applied to every address curl is about to connect to,
// after DNS, so a name resolving to a private address is refused too. Its own
// easy handle per call: deliveries are few and may go to many hosts.

#include <atomic>
#include <chrono>

#include "webhooks/webhook_sender.h"

namespace antcdn::webhooks {

struct CurlSenderOptions {
  std::chrono::milliseconds timeout{10000};
  bool allow_private = false;  // --webhooks-allow-private
};

class CurlSender final : public WebhookSender {
 public:
  explicit CurlSender(CurlSenderOptions options);
  ~CurlSender() override;
  CurlSender(const CurlSender&) = delete;
  CurlSender& operator=(const CurlSender&) = delete;

  PostOutcome post(const OutboundPost& request) override;
  // Makes calls in flight give up at once (shutdown); they report `aborted`.
  void abort_all() override { stopping_.store(true); }

 private:
  const CurlSenderOptions options_;
  std::atomic<bool> stopping_{false};
};

}  // namespace antcdn::webhooks
