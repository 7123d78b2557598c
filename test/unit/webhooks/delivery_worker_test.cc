#include "webhooks/delivery_worker.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "unit/store/records.h"
#include "webhooks/signature.h"

namespace antcdn::webhooks {
namespace {

// Answers from a script, remembers what it was sent.
class ScriptedReceiver final : public WebhookSender {
 public:
  explicit ScriptedReceiver(std::vector<PostOutcome> script) : script_(std::move(script)) {}

  PostOutcome post(const OutboundPost& request) override {
    std::lock_guard lock(mutex_);
    received_.push_back(request);
    changed_.notify_all();
    return received_.size() <= script_.size() ? script_[received_.size() - 1]
                                              : PostOutcome{.status_code = 204};
  }

  // Waits until `n` posts came (bounded, so a broken worker fails the test).
  std::vector<OutboundPost> wait_for(size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(20), [&] { return received_.size() >= n; });
    return received_;
  }

 private:
  std::vector<PostOutcome> script_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<OutboundPost> received_;
};

std::string header(const OutboundPost& p, std::string_view name) {
  for (const auto& [k, v] : p.headers) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

TEST(DeliveryWorker, SignsRetriesAndRecords) {
  antcdn::test::TempDir dir;
  auto store = store::sqlite::SqliteStore::open(dir.file("db"));
  ASSERT_TRUE(store.ok());
  (*store)->set_event_renderer(
      [](const store::EventHeader& h, const store::StreamRecord&) { return h.event_id; });
  store::WebhookRecord hook{.webhook_id = "wh_1",
                            .owner_key_id = "key_a",
                            .url = "https://example.com/h",
                            .events = {"*"},
                            .secret = "whsec_s",
                            .created_at_ms = unix_now_ms()};
  ASSERT_TRUE((*store)->webhooks().create_webhook(hook).ok());
  ASSERT_TRUE((*store)->create(store::test::make_stream("key_a", "Show")).ok());

  metrics::Registry registry;
  WebhookMetrics metrics(registry);
  ScriptedReceiver receiver({PostOutcome{.status_code = 500}});
  DeliveryWorker worker((*store)->webhooks(), receiver, metrics,
                        {.node_id = "n1", .poll = std::chrono::milliseconds(50)});
  worker.start();
  auto posts = receiver.wait_for(2);
  worker.stop();  // joins: both attempts are recorded
  ASSERT_EQ(posts.size(), 2U);
  for (const auto& p : posts) {
    EXPECT_EQ(p.url, "https://example.com/h");
    EXPECT_TRUE(p.body.starts_with("evt_"));
    EXPECT_EQ(header(p, "AntCDN-Event-Id"), p.body);
    EXPECT_TRUE(verify(header(p, "AntCDN-Signature"), "whsec_s", p.body, unix_now_ms() / 1000, 60));
  }
  EXPECT_EQ(header(posts[0], "AntCDN-Delivery-Attempt"), "1");
  EXPECT_EQ(header(posts[1], "AntCDN-Delivery-Attempt"), "2");
  auto attempts = (*store)->webhooks().list_attempts("wh_1", 10);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 2U);
  EXPECT_EQ(attempts->at(0).outcome, "delivered");
  EXPECT_EQ(attempts->at(1).outcome, "retrying");
  EXPECT_EQ(attempts->at(1).error, "receiver answered HTTP 500");
  std::string exposition = registry.render();
  EXPECT_NE(exposition.find("antcdn_webhook_deliveries_total{outcome=\"delivered\"} 1"),
            std::string::npos)
      << exposition;
  EXPECT_NE(exposition.find("antcdn_webhook_deliveries_total{outcome=\"retrying\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace antcdn::webhooks
