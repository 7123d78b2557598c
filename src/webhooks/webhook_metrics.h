#pragma once

// antcdn_webhook_deliveries_total{outcome}: every delivery attempt by how it
// ended (docs/operations.md, "Metrics"). Every series exists from the start.

#include "metrics/registry.h"

namespace antcdn::webhooks {

enum class AttemptOutcome { Delivered, Retrying, Failed };

class WebhookMetrics {
 public:
  explicit WebhookMetrics(metrics::Registry& registry);
  void record(AttemptOutcome outcome);

 private:
  metrics::Counter& delivered_;
  metrics::Counter& retrying_;
  metrics::Counter& failed_;
};

}  // namespace antcdn::webhooks
