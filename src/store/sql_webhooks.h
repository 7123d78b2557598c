#pragma once

// WebhookRepository over either backend: the SQL is written once, and each
// store lends it transactions (SqliteStore, PgStore own one of these).

#include "store/sql_session.h"
#include "store/webhook_repository.h"

namespace antcdn::store {

class SqlWebhooks final : public WebhookRepository {
 public:
  explicit SqlWebhooks(Transact transact) : transact_(std::move(transact)) {}

  Status create_webhook(const WebhookRecord& record) override;
  Result<std::optional<WebhookRecord>> get_webhook(const std::string& webhook_id) override;
  Result<std::vector<WebhookRecord>> list_webhooks(const std::string& owner_key_id) override;
  Status remove_webhook(const std::string& webhook_id) override;
  Status add_test_event(const std::string& webhook_id, EventRecord event) override;
  Result<std::vector<DeliveryJob>> claim_deliveries(const std::string& node, int64_t now_ms,
                                                    int64_t lease_ms, int limit) override;
  Status finish_delivery(int64_t delivery_seq, const DeliveryResult& result) override;
  Result<std::vector<DeliveryAttempt>> list_attempts(const std::string& webhook_id,
                                                     int limit) override;
  Result<std::vector<EventRecord>> events_after(const std::string& stream_id, int64_t after_seq,
                                                int limit) override;
  Result<std::optional<EventRecord>> find_event(const std::string& event_id) override;
  Result<int64_t> last_event_seq() override;
  Status prune(int64_t before_ms) override;

 private:
  Result<std::vector<WebhookRecord>> select_webhooks(std::string_view where,
                                                     const std::string& key);
  Result<std::vector<EventRecord>> select_events(std::string_view rest,
                                                 const SqlSession::Bind& bind);

  Transact transact_;
};

}  // namespace antcdn::store
