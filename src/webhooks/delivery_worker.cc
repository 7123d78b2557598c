#include "webhooks/delivery_worker.h"

#include <random>

#include <spdlog/spdlog.h>

#include "common/time_util.h"
#include "webhooks/retry_schedule.h"
#include "webhooks/signature.h"

namespace antcdn::webhooks {
namespace {

constexpr std::chrono::hours kPruneEvery{1};

double unit_random() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

DeliveryWorker::DeliveryWorker(store::WebhookRepository& repo, WebhookSender& sender,
                               WebhookMetrics& metrics, DeliveryWorkerOptions options)
    : repo_(repo),
      sender_(sender),
      metrics_(metrics),
      options_(std::move(options)),
      sends_("webhook-sends", options_.senders) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  dispatcher_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  sender_.abort_all();
  if (dispatcher_.joinable()) {
    dispatcher_.join();
  }
}

void DeliveryWorker::run() {
  auto next_prune = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    if (std::chrono::steady_clock::now() >= next_prune) {
      next_prune += kPruneEvery;
      auto cutoff = unix_now_ms() - std::chrono::milliseconds(options_.retention).count();
      if (auto s = repo_.prune(cutoff); !s.ok()) {
        spdlog::warn("webhooks: pruning the outbox: {}", s.error().describe());
      }
    }
    if (dispatch_once()) {
      continue;  // more may be due at once
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

bool DeliveryWorker::dispatch_once() {
  auto jobs = repo_.claim_deliveries(options_.node_id, unix_now_ms(), options_.lease.count(),
                                     options_.senders * 4);
  if (!jobs.ok()) {
    spdlog::warn("webhooks: claiming deliveries: {}", jobs.error().describe());
    return false;
  }
  if (jobs->empty()) {
    return false;
  }
  for (auto& job : *jobs) {
    sends_.post([this, job = std::move(job)] { deliver(job); });
  }
  // Each send ends within its 10 s limit (or at once when aborted).
  while (!sends_.wait_idle_for(std::chrono::milliseconds(100))) {
  }
  return true;
}

void DeliveryWorker::deliver(const store::DeliveryJob& job) {
  int64_t now_s = unix_now_ms() / 1000;
  OutboundPost post{
      .url = job.url,
      .headers = {{"AntCDN-Signature", sign(job.secret, now_s, job.body)},
                  {"AntCDN-Event-Id", job.event_id},
                  {"AntCDN-Event-Type", job.type},
                  {"AntCDN-Delivery-Attempt", std::to_string(job.attempt)}},
      .body = job.body,
  };
  PostOutcome outcome = sender_.post(post);
  if (outcome.aborted) {
    return;  // not an attempt: the lease runs out and it is claimed again
  }
  store::DeliveryResult result{.status_code = outcome.status_code, .now_ms = unix_now_ms()};
  result.delivered =
      outcome.status_code && *outcome.status_code >= 200 && *outcome.status_code < 300;
  if (!result.delivered) {
    result.error = outcome.status_code
                       ? "receiver answered HTTP " + std::to_string(*outcome.status_code)
                       : outcome.error;
    result.retry_at_ms =
        next_attempt_at(job.attempt, job.event_created_at_ms, result.now_ms, unit_random());
  }
  metrics_.record(result.delivered     ? AttemptOutcome::Delivered
                  : result.retry_at_ms ? AttemptOutcome::Retrying
                                       : AttemptOutcome::Failed);
  if (!result.delivered) {
    spdlog::info("webhooks: {} of {} to {} (attempt {}): {}{}", job.type, job.event_id,
                 job.webhook_id, job.attempt, result.error,
                 result.retry_at_ms ? "; will retry" : "; giving up");
  }
  if (auto s = repo_.finish_delivery(job.delivery_seq, result); !s.ok()) {
    // The lease runs out and the delivery is sent again: at least once.
    spdlog::warn("webhooks: recording delivery of {}: {}", job.event_id, s.error().describe());
  }
}

}  // namespace antcdn::webhooks
