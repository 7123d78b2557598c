#pragma once

// Sends the outbox's webhook deliveries, off every event loop: one dispatcher
// thread claims due deliveries from the store (leased, so several nodes never
// send the same one at once) and hands them to a pool of sender threads; each
// attempt is recorded (delivered on 2xx, otherwise retried on the schedule of
// retry_schedule.h, failed after 24 h). A stream's deliveries to one webhook go
// in event order: the store hands out only the oldest pending one of each.
// New work is found by polling the store every `poll` (0.5 s): the outbox may
// be written by any node sharing the database.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "net/blocking_pool.h"
#include "store/webhook_repository.h"
#include "webhooks/webhook_metrics.h"
#include "webhooks/webhook_sender.h"

namespace antcdn::webhooks {

struct DeliveryWorkerOptions {
  std::string node_id;
  int senders = 4;
  std::chrono::milliseconds poll{500};
  // Longer than a send's 10 s limit: a node that dies mid-send leaves the
  // delivery to another node after this.
  std::chrono::milliseconds lease{30000};
  // Finished deliveries, attempts and events are kept this long (the
  // deliveries list and SSE resumption read them).
  std::chrono::hours retention{24 * 7};
};

class DeliveryWorker {
 public:
  DeliveryWorker(store::WebhookRepository& repo, WebhookSender& sender, WebhookMetrics& metrics,
                 DeliveryWorkerOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Stops claiming, aborts sends in flight (they are retried after their lease)
  // and joins the threads.
  void stop();

 private:
  void run();
  // Claims and sends one batch; false when there was nothing to do.
  bool dispatch_once();
  void deliver(const store::DeliveryJob& job);

  store::WebhookRepository& repo_;
  WebhookSender& sender_;
  WebhookMetrics& metrics_;
  const DeliveryWorkerOptions options_;
  net::BlockingPool sends_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread dispatcher_;
};

}  // namespace antcdn::webhooks
