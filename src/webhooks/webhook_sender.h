#pragma once

// One webhook POST, blocking (run on the delivery worker's threads). The
// worker sees only this interface; tests substitute a fake receiver.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace antcdn::webhooks {

struct OutboundPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON
};

struct PostOutcome {
  std::optional<int> status_code;  // when the receiver answered
  std::string error;               // why there is no answer (refused target, timeout, …)
  bool aborted = false;            // stopped by shutdown: not an attempt, try again later
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual PostOutcome post(const OutboundPost& request) = 0;
  // Shutdown: calls in flight return `aborted` as soon as they can.
  virtual void abort_all() {}
};

}  // namespace antcdn::webhooks
