#pragma once

// SEAM: webhooks and the event outbox. Stream changes append events to the
// outbox inside the transaction that makes them (StreamRepository::create,
// update, remove), together with one delivery per subscribed webhook of the
// stream's owner; the delivery worker claims those rows, the SSE feeds read
// the events. SqlWebhooks (store/sql_webhooks.h) implements it once for both
// backends.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace antcdn::store {

struct StreamRecord;

struct WebhookRecord {
  std::string webhook_id;
  std::string owner_key_id;
  std::string url;
  std::vector<std::string> events;  // event types, or {"*"} for every type
  std::string description;
  // Shown to the caller once; stored as is, because signing needs it.
  std::string secret;
  int64_t created_at_ms = 0;
};

// One entry of the outbox: an event and its rendered envelope (the exact bytes
// webhooks and SSE clients receive).
struct EventRecord {
  int64_t seq = 0;  // order of the outbox, assigned by the store
  std::string event_id;
  std::string type;
  std::string stream_id;  // empty for webhook.test
  std::string edge_id;
  std::string owner_key_id;
  // The stream after the change: what the public edge feed shows (status.json's fields).
  std::string state;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> ended_at_ms;
  int64_t created_at_ms = 0;
  std::string body;
};

// What the renderer needs besides the stream: the envelope's own fields.
struct EventHeader {
  std::string event_id;
  std::string type;
  int64_t created_at_ms = 0;
};
// Renders the envelope of a stream event (api/event_dto.h in the server).
using EventRenderer = std::function<std::string(const EventHeader&, const StreamRecord&)>;

// A delivery handed to one sender (claimed with a lease).
struct DeliveryJob {
  int64_t delivery_seq = 0;
  std::string webhook_id;
  std::string url;
  std::string secret;
  std::string event_id;
  std::string type;
  std::string body;
  int attempt = 1;  // the number of the attempt about to be made
  int64_t event_created_at_ms = 0;
};

// How an attempt went, and what happens next.
struct DeliveryResult {
  std::optional<int> status_code;  // when an HTTP answer came
  std::string error;               // empty when delivered
  int64_t now_ms = 0;
  bool delivered = false;
  std::optional<int64_t> retry_at_ms;  // not delivered: next attempt, or nullopt = failed
};

// One attempt, as GET /v1/webhooks/{id}/deliveries lists it.
struct DeliveryAttempt {
  std::string event_id;
  std::string type;
  int attempt = 1;
  std::optional<int> status_code;
  std::string error;
  std::string outcome;  // delivered | retrying | failed
  int64_t time_ms = 0;
};

class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;
  virtual Status create_webhook(const WebhookRecord& record) = 0;
  virtual Result<std::optional<WebhookRecord>> get_webhook(const std::string& webhook_id) = 0;
  // Oldest first.
  virtual Result<std::vector<WebhookRecord>> list_webhooks(const std::string& owner_key_id) = 0;
  // Also drops its deliveries and their history. NotFound when there is none.
  virtual Status remove_webhook(const std::string& webhook_id) = 0;
  // Appends `event` to the outbox with one delivery, to `webhook_id` only.
  virtual Status add_test_event(const std::string& webhook_id, EventRecord event) = 0;

  // Up to `limit` due deliveries no other sender holds, each the oldest still
  // pending of its (webhook, stream): they are leased to `node` until
  // now + lease_ms. Several nodes never claim the same delivery at once.
  virtual Result<std::vector<DeliveryJob>> claim_deliveries(const std::string& node, int64_t now_ms,
                                                            int64_t lease_ms, int limit) = 0;
  virtual Status finish_delivery(int64_t delivery_seq, const DeliveryResult& result) = 0;
  // Newest first.
  virtual Result<std::vector<DeliveryAttempt>> list_attempts(const std::string& webhook_id,
                                                             int limit) = 0;

  // Events with seq > after_seq in order, of one stream (or of every stream
  // when stream_id is empty), at most `limit`.
  virtual Result<std::vector<EventRecord>> events_after(const std::string& stream_id,
                                                        int64_t after_seq, int limit) = 0;
  virtual Result<std::optional<EventRecord>> find_event(const std::string& event_id) = 0;
  // The newest event's seq (0 when there is none): where a new feed starts.
  virtual Result<int64_t> last_event_seq() = 0;
  // Forgets finished deliveries, attempts and events older than `before_ms`
  // (events only once none of their deliveries is pending).
  virtual Status prune(int64_t before_ms) = 0;
};

}  // namespace antcdn::store
