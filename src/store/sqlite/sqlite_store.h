#pragma once

#include <mutex>
#include <string>

#include "store/repositories.h"
#include "store/sql_recordings.h"
#include "store/sql_session.h"
#include "store/sql_webhooks.h"
#include "store/sqlite/sqlite_db.h"

namespace antcdn::store::sqlite {

// Both repositories on one SQLite file (WAL). Calls are serialised by a mutex:
// every query is a few microseconds, and one writer is all SQLite allows anyway.
class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);

  Result<StreamRecord> create(StreamRecord record) override;
  Result<std::optional<StreamRecord>> get(const std::string& stream_id) override;
  Result<std::optional<StreamRecord>> find_by_key_hash(const crypto::Sha256& hash) override;
  Result<std::optional<StreamRecord>> find_by_edge_id(const std::string& edge_id) override;
  Result<std::vector<StreamRecord>> list(const std::string& owner_key_id, int limit,
                                         std::optional<int64_t> before_seq) override;
  Result<int64_t> count_owned(const std::string& owner_key_id) override;
  Result<std::map<media::StreamState, int64_t>> count_by_state() override;
  Result<std::vector<StreamRecord>> list_on_air() override;
  Result<StreamRecord> update(const std::string& stream_id, const Mutation& mutate) override;
  Status remove(const std::string& stream_id, const Precondition& allowed) override;

  Status create_key(const ApiKeyRecord& record) override;
  Result<std::optional<ApiKeyRecord>> find_active_key(const crypto::Sha256& hash) override;
  Result<std::vector<ApiKeyRecord>> list_keys() override;
  Status revoke_key(const std::string& key_id, int64_t now_ms) override;

  // live_stats_repository.h (sqlite_live_stats.cc)
  Status put_health(const std::string& stream_id, const std::string& node_id,
                    const media::StreamHealth& health, int64_t now_ms) override;
  Status remove_health(const std::string& stream_id, const std::string& node_id) override;
  Result<std::optional<media::StreamHealth>> get_health(const std::string& stream_id,
                                                        int64_t fresh_since_ms) override;
  Status put_viewers(const std::string& node_id, const std::map<std::string, int64_t>& counts,
                     int64_t now_ms) override;
  Result<int64_t> count_viewers(const std::string& edge_id, int64_t fresh_since_ms) override;
  Status purge_live_stats(int64_t before_ms) override;

  WebhookRepository& webhooks() override { return webhooks_; }
  RecordingRepository& recordings() override { return recordings_; }
  void set_event_renderer(EventRenderer render) override { render_ = std::move(render); }

 private:
  explicit SqliteStore(Database db)
      : db_(std::move(db)),
        webhooks_([this](const SqlBody& body) { return transact(body); }),
        recordings_([this](const SqlBody& body) { return transact(body); }) {}
  // `body` in one transaction, under the mutex (SqlWebhooks' statements).
  Status transact(const SqlBody& body);
  // Inside a transaction: the outbox entries of a change (stream_outbox.h).
  Status record_events(const StreamRecord* before, const StreamRecord* after);
  Result<std::optional<StreamRecord>> get_locked(const std::string& stream_id);
  // The first row of `SELECT columns FROM streams WHERE {where}` with ?1 = key.
  template <typename Key>
  Result<std::optional<StreamRecord>> find_one(std::string_view where, const Key& key);
  Result<std::vector<StreamRecord>> query_all(Statement& stmt);

  std::mutex mutex_;
  Database db_;
  SqlWebhooks webhooks_;
  SqlRecordings recordings_;
  EventRenderer render_;
};

}  // namespace antcdn::store::sqlite
