#pragma once

#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "store/postgres/pg_connection.h"
#include "store/repositories.h"
#include "store/sql_recordings.h"
#include "store/sql_session.h"
#include "store/sql_webhooks.h"

namespace antcdn::store::postgres {

// Both repositories on a PostgreSQL database, with SqliteStore's semantics, so
// that several nodes can share one database. One connection, calls serialised
// by a mutex: control-plane traffic is a few queries a second, and the row locks
// that make update() safe across processes live in the server, not here.
//
// A lost connection (server restart, failover, backend killed) is only noticed
// when it is used. The next call reconnects; a read is then retried once, and a
// write is retried only when the connection was found dead at BEGIN, before
// anything of it reached the server. A server that stays down is Unavailable.
class PgStore final : public Store {
 public:
  // Connects to `url` (postgres://user@host:port/db or postgresql://…) and applies
  // pending migrations; safe when several nodes start at once.
  static Result<std::unique_ptr<PgStore>> open(const std::string& url);

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

  // live_stats_repository.h (pg_live_stats.cc)
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
  explicit PgStore(PgConnection conn)
      : conn_(std::move(conn)),
        webhooks_([this](const SqlBody& body) { return transact(body); }),
        recordings_([this](const SqlBody& body) { return transact(body); }) {}
  // `body` in one transaction, under the mutex (SqlWebhooks' statements).
  Status transact(const SqlBody& body);
  // Inside write(): the outbox entries of a change (stream_outbox.h).
  Status record_events(const StreamRecord* before, const StreamRecord* after);

  // Reconnects a broken connection and clears a transaction left open.
  Status ready();
  // One read-only statement, retried once on a fresh connection if the old one was lost.
  Result<PgResult> read(std::string_view sql, std::initializer_list<Param> params);
  // A statement that may safely run twice (a read, an upsert, a delete by
  // age), retried once on a fresh connection if the old one was lost.
  Result<PgResult> idempotent(std::string_view sql, std::span<const Param> params);
  // `body` between BEGIN and COMMIT; an error from it rolls everything back.
  template <typename T, typename Body>
  Result<T> write(Body&& body);
  // Inside write(): the stream, its row locked (FOR UPDATE) until COMMIT or ROLLBACK.
  Result<std::optional<StreamRecord>> lock_stream(const std::string& stream_id);
  // The first stream of `SELECT columns FROM streams WHERE {where}` with $1 = key.
  Result<std::optional<StreamRecord>> read_one(std::string_view where, const Param& key);

  std::mutex mutex_;
  PgConnection conn_;
  SqlWebhooks webhooks_;
  SqlRecordings recordings_;
  EventRenderer render_;
};

}  // namespace antcdn::store::postgres
