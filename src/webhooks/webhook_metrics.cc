#include "webhooks/webhook_metrics.h"

namespace antcdn::webhooks {
namespace {

constexpr const char* kName = "antcdn_webhook_deliveries_total";
constexpr const char* kHelp =
    "Webhook delivery attempts by outcome (retrying: failed, will be tried again; failed: "
    "given up after 24 h)";

}  // namespace

WebhookMetrics::WebhookMetrics(metrics::Registry& registry)
    : delivered_(registry.counter(kName, kHelp, {{"outcome", "delivered"}})),
      retrying_(registry.counter(kName, kHelp, {{"outcome", "retrying"}})),
      failed_(registry.counter(kName, kHelp, {{"outcome", "failed"}})) {}

void WebhookMetrics::record(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::Delivered:
      delivered_.inc();
      return;
    case AttemptOutcome::Retrying:
      retrying_.inc();
      return;
    case AttemptOutcome::Failed:
      failed_.inc();
      return;
  }
}

}  // namespace antcdn::webhooks
