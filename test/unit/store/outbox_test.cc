// The event outbox and webhook deliveries (store/webhook_repository.h), run
// against every store like the repository suite.

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "common/time_util.h"
#include "store/repositories.h"
#include "unit/store/records.h"
#include "unit/store/store_backends.h"

namespace antcdn::store {
namespace {

using media::StreamState;
using test::make_stream;

constexpr int64_t kLease = 30000;

WebhookRecord make_webhook(const std::string& owner, std::vector<std::string> events) {
  int64_t now = unix_now_ms();
  return WebhookRecord{.webhook_id = ids::new_webhook_id(now),
                       .owner_key_id = owner,
                       .url = "https://example.com/hook",
                       .events = std::move(events),
                       .description = "d",
                       .secret = "whsec_test",
                       .created_at_ms = now};
}

class OutboxTest : public test::BackendTest {
 protected:
  void SetUp() override {
    test::BackendTest::SetUp();
    if (store_) {
      store_->set_event_renderer([](const EventHeader& h, const StreamRecord& s) {
        return h.type + "/" + std::string(media::to_string(s.state)) + "/" + s.name;
      });
    }
  }

  std::vector<std::string> types_of(const std::string& stream_id) {
    auto events = store_->webhooks().events_after(stream_id, 0, 100);
    EXPECT_TRUE(events.ok()) << events.error().describe();
    std::vector<std::string> out;
    for (const auto& e : *events) {
      out.push_back(e.type);
    }
    return out;
  }

  void set_state(const std::string& id, StreamState state) {
    auto r = store_->update(id, [&](StreamRecord& s) {
      s.state = state;
      return Status{};
    });
    ASSERT_TRUE(r.ok()) << r.error().describe();
  }

  // A webhook for every event of key_a, and a stream of key_a that was
  // created and went connecting: two deliveries.
  std::pair<WebhookRecord, StreamRecord> subscribed_stream_connecting() {
    WebhookRecord w = make_webhook("key_a", {"*"});
    EXPECT_TRUE(store_->webhooks().create_webhook(w).ok());
    StreamRecord r = make_stream("key_a", "Show");
    EXPECT_TRUE(store_->create(r).ok());
    set_state(r.stream_id, StreamState::Connecting);
    return {w, r};
  }

  // Claims at `now`, records every claimed delivery as delivered; the types sent.
  std::vector<std::string> deliver_all(const std::string& webhook_id, int64_t now) {
    auto jobs = store_->webhooks().claim_deliveries("n1", now, kLease, 100);
    EXPECT_TRUE(jobs.ok()) << jobs.error().describe();
    std::vector<std::string> out;
    for (const auto& j : *jobs) {
      EXPECT_TRUE(store_->webhooks()
                      .finish_delivery(j.delivery_seq,
                                       {.status_code = 200, .now_ms = now, .delivered = true})
                      .ok());
      if (j.webhook_id == webhook_id) {
        out.push_back(j.type);
      }
    }
    return out;
  }
};

TEST_P(OutboxTest, StreamChangesBecomeEventsInOrder) {
  StreamRecord r = make_stream("key_a", "Show");
  ASSERT_TRUE(store_->create(r).ok());
  set_state(r.stream_id, StreamState::Connecting);
  set_state(r.stream_id, StreamState::Live);
  // A lease renewal changes nothing a subscriber sees.
  ASSERT_TRUE(store_
                  ->update(r.stream_id,
                           [](StreamRecord& s) {
                             s.lease_until_ms = 123;
                             s.ingest_node = "n1";
                             return Status{};
                           })
                  .ok());
  set_state(r.stream_id, StreamState::Connecting);  // the encoder dropped
  set_state(r.stream_id, StreamState::Ended);
  set_state(r.stream_id, StreamState::Idle);
  ASSERT_TRUE(store_
                  ->update(r.stream_id,
                           [](StreamRecord& s) {
                             s.name = "Renamed";
                             s.stream_key_hash = crypto::sha256("another key");
                             return Status{};
                           })
                  .ok());
  ASSERT_TRUE(store_->remove(r.stream_id, [](const StreamRecord&) { return Status{}; }).ok());
  EXPECT_EQ(types_of(r.stream_id),
            (std::vector<std::string>{
                "live_stream.created", "live_stream.connecting", "live_stream.live",
                "live_stream.disconnected", "live_stream.ended", "live_stream.idle",
                "live_stream.updated", "live_stream.key_rotated", "live_stream.deleted"}));
  auto events = store_->webhooks().events_after(r.stream_id, 0, 100);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->at(2).body, "live_stream.live/live/Show");
  EXPECT_EQ(events->at(2).state, "live");
  EXPECT_EQ(events->at(2).edge_id, r.edge_id);
  EXPECT_TRUE(events->at(2).event_id.starts_with("evt_"));
  auto found = store_->webhooks().find_event(events->at(2).event_id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->seq, events->at(2).seq);
  EXPECT_EQ(*store_->webhooks().last_event_seq(), events->back().seq);
  // Resuming after the third event gives the rest.
  auto rest = store_->webhooks().events_after(r.stream_id, events->at(2).seq, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), events->size() - 3);
}

TEST_P(OutboxTest, RefusedChangesLeaveNoEvent) {
  StreamRecord r = make_stream("key_a", "Show");
  ASSERT_TRUE(store_->create(r).ok());
  auto refused = store_->update(r.stream_id, [](StreamRecord& s) {
    s.state = StreamState::Live;
    return Status{make_error(Code::Conflict, "no")};
  });
  EXPECT_FALSE(refused.ok());
  auto kept = store_->remove(r.stream_id, [](const StreamRecord&) {
    return Status{make_error(Code::Conflict, "on air")};
  });
  EXPECT_FALSE(kept.ok());
  EXPECT_EQ(types_of(r.stream_id), (std::vector<std::string>{"live_stream.created"}));
}

TEST_P(OutboxTest, DeliveriesFanOutToTheOwnersSubscribedWebhooks) {
  WebhookRecord all = make_webhook("key_a", {"*"});
  WebhookRecord live_only = make_webhook("key_a", {"live_stream.live", "live_stream.ended"});
  WebhookRecord other_key = make_webhook("key_b", {"*"});
  for (const auto* w : {&all, &live_only, &other_key}) {
    ASSERT_TRUE(store_->webhooks().create_webhook(*w).ok());
  }
  auto got = store_->webhooks().get_webhook(live_only.webhook_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->events, live_only.events);
  EXPECT_EQ((*got)->secret, "whsec_test");
  EXPECT_EQ(store_->webhooks().list_webhooks("key_a")->size(), 2U);

  StreamRecord r = make_stream("key_a", "Show");
  ASSERT_TRUE(store_->create(r).ok());
  set_state(r.stream_id, StreamState::Connecting);
  set_state(r.stream_id, StreamState::Live);
  int64_t now = unix_now_ms();
  // One claim round hands out only the oldest pending delivery per webhook and
  // stream: the order of a stream's events holds.
  EXPECT_EQ(deliver_all(all.webhook_id, now), (std::vector<std::string>{"live_stream.created"}));
  EXPECT_EQ(deliver_all(all.webhook_id, now), (std::vector<std::string>{"live_stream.connecting"}));
  EXPECT_EQ(deliver_all(all.webhook_id, now), (std::vector<std::string>{"live_stream.live"}));
  EXPECT_TRUE(deliver_all(all.webhook_id, now).empty());
  auto attempts = store_->webhooks().list_attempts(live_only.webhook_id, 10);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1U);
  EXPECT_EQ(attempts->front().type, "live_stream.live");
  EXPECT_EQ(attempts->front().outcome, "delivered");
  EXPECT_EQ(attempts->front().status_code, 200);
  EXPECT_TRUE(store_->webhooks().list_attempts(other_key.webhook_id, 10)->empty());
}

TEST_P(OutboxTest, ARevokedKeysWebhooksGetNoNewDeliveries) {
  ApiKeyRecord key{.key_id = "key_a", .name = "ci", .key_hash = crypto::sha256("ka")};
  ASSERT_TRUE(store_->create_key(key).ok());
  auto [webhook, stream] = subscribed_stream_connecting();
  ASSERT_TRUE(store_->revoke_key("key_a", unix_now_ms()).ok());
  set_state(stream.stream_id, StreamState::Live);
  // The stream's events are still recorded (its feed shows them)...
  EXPECT_EQ(types_of(stream.stream_id),
            (std::vector<std::string>{"live_stream.created", "live_stream.connecting",
                                      "live_stream.live"}));
  // ...but only what was queued before the revocation is sent.
  int64_t now = unix_now_ms();
  EXPECT_EQ(deliver_all(webhook.webhook_id, now),
            (std::vector<std::string>{"live_stream.created"}));
  EXPECT_EQ(deliver_all(webhook.webhook_id, now),
            (std::vector<std::string>{"live_stream.connecting"}));
  EXPECT_TRUE(deliver_all(webhook.webhook_id, now).empty());
}

TEST_P(OutboxTest, FailedAttemptsWaitForTheirRetryAndHoldLaterEvents) {
  auto [w, r] = subscribed_stream_connecting();
  int64_t now = unix_now_ms();
  auto first = store_->webhooks().claim_deliveries("n1", now, kLease, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1U);
  EXPECT_EQ(first->front().attempt, 1);
  EXPECT_EQ(first->front().body, "live_stream.created/idle/Show");
  EXPECT_EQ(first->front().secret, "whsec_test");
  // Leased: nobody else gets it, and the later event waits behind it.
  EXPECT_TRUE(store_->webhooks().claim_deliveries("n2", now, kLease, 10)->empty());
  ASSERT_TRUE(
      store_->webhooks()
          .finish_delivery(
              first->front().delivery_seq,
              {.status_code = 500, .error = "HTTP 500", .now_ms = now, .retry_at_ms = now + 1000})
          .ok());
  EXPECT_TRUE(store_->webhooks().claim_deliveries("n1", now + 999, kLease, 10)->empty());
  auto again = store_->webhooks().claim_deliveries("n1", now + 1000, kLease, 10);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1U);
  EXPECT_EQ(again->front().event_id, first->front().event_id);
  EXPECT_EQ(again->front().attempt, 2);
  ASSERT_TRUE(store_->webhooks()
                  .finish_delivery(again->front().delivery_seq,
                                   {.error = "timed out", .now_ms = now + 1000})
                  .ok());
  // Given up: the next event goes.
  auto next = store_->webhooks().claim_deliveries("n1", now + 1000, kLease, 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1U);
  EXPECT_EQ(next->front().type, "live_stream.connecting");
  auto attempts = store_->webhooks().list_attempts(w.webhook_id, 10);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 2U);
  EXPECT_EQ(attempts->at(0).outcome, "failed");
  EXPECT_EQ(attempts->at(0).attempt, 2);
  EXPECT_FALSE(attempts->at(0).status_code.has_value());
  EXPECT_EQ(attempts->at(0).error, "timed out");
  EXPECT_EQ(attempts->at(1).outcome, "retrying");
  EXPECT_EQ(attempts->at(1).status_code, 500);
}

TEST_P(OutboxTest, AnExpiredLeaseIsClaimedAgain) {
  WebhookRecord w = make_webhook("key_a", {"*"});
  ASSERT_TRUE(store_->webhooks().create_webhook(w).ok());
  ASSERT_TRUE(store_->create(make_stream("key_a", "Show")).ok());
  int64_t now = unix_now_ms();
  ASSERT_EQ(store_->webhooks().claim_deliveries("n1", now, kLease, 10)->size(), 1U);
  EXPECT_EQ(store_->webhooks().claim_deliveries("n2", now + kLease + 1, kLease, 10)->size(), 1U);
}

TEST_P(OutboxTest, NodesNeverClaimTheSameDelivery) {
  WebhookRecord w = make_webhook("key_a", {"*"});
  ASSERT_TRUE(store_->webhooks().create_webhook(w).ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store_->create(make_stream("key_a", "s" + std::to_string(i))).ok());
  }
  auto other = open();
  ASSERT_TRUE(other);
  int64_t now = unix_now_ms();
  std::vector<int64_t> a;
  std::vector<int64_t> b;
  auto claim_all = [now](Store& s, std::vector<int64_t>& out) {
    for (int i = 0; i < 10; ++i) {
      auto jobs = s.webhooks().claim_deliveries("n", now, kLease, 3);
      ASSERT_TRUE(jobs.ok()) << jobs.error().describe();
      for (const auto& j : *jobs) {
        out.push_back(j.delivery_seq);
      }
    }
  };
  std::thread t1([&] { claim_all(*store_, a); });
  std::thread t2([&] { claim_all(*other, b); });
  t1.join();
  t2.join();
  std::set<int64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), a.size() + b.size());  // no delivery twice
  EXPECT_EQ(all.size(), 20U);                  // and none left behind
}

TEST_P(OutboxTest, TestEventsAndRemoval) {
  WebhookRecord w = make_webhook("key_a", {"live_stream.live"});
  ASSERT_TRUE(store_->webhooks().create_webhook(w).ok());
  int64_t now = unix_now_ms();
  EventRecord test{.event_id = ids::new_event_id(now),
                   .type = "webhook.test",
                   .owner_key_id = "key_a",
                   .created_at_ms = now,
                   .body = "{}"};
  ASSERT_TRUE(store_->webhooks().add_test_event(w.webhook_id, test).ok());
  auto jobs = store_->webhooks().claim_deliveries("n1", now, kLease, 10);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1U);
  EXPECT_EQ(jobs->front().type, "webhook.test");
  // Test events are not stream events: the all-streams feed skips them.
  EXPECT_TRUE(store_->webhooks().events_after("", 0, 10)->empty());
  ASSERT_TRUE(store_->webhooks().remove_webhook(w.webhook_id).ok());
  EXPECT_FALSE(store_->webhooks().get_webhook(w.webhook_id)->has_value());
  EXPECT_EQ(store_->webhooks().remove_webhook(w.webhook_id).error().code, Code::NotFound);
  EXPECT_TRUE(store_->webhooks().claim_deliveries("n1", now + kLease + 1, kLease, 10)->empty());
}

TEST_P(OutboxTest, PruneForgetsOldFinishedWork) {
  auto [w, r] = subscribed_stream_connecting();
  int64_t now = unix_now_ms();
  deliver_all(w.webhook_id, now);  // the first event delivered, the second pending
  ASSERT_TRUE(store_->webhooks().prune(now + 60000).ok());
  EXPECT_EQ(types_of(r.stream_id), (std::vector<std::string>{"live_stream.connecting"}));
  EXPECT_TRUE(store_->webhooks().list_attempts(w.webhook_id, 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace antcdn::store
