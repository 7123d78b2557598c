#pragma once

// SEAM: persistence. The API, the lifecycle supervisor and the CLI see streams
// and API keys only through these interfaces; SQLite (store/sqlite) and
// PostgreSQL (store/postgres) implement them with the same semantics, checked by
// one shared test suite (test/unit/store/repository_test.cc).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "media/latency_mode.h"
#include "media/quality.h"
#include "media/stream_state.h"
#include "store/live_stats_repository.h"
#include "store/recording_repository.h"
#include "store/webhook_repository.h"

namespace antcdn::store {

struct StreamRecord {
  int64_t seq = 0;  // insertion order, assigned by the store; pagination cursor
  std::string stream_id;
  std::string edge_id;
  std::string owner_key_id;
  std::string name;
  media::StreamState state = media::StreamState::Idle;
  media::Quality quality = media::Quality::Standard;
  int reconnect_window_s = 60;
  int64_t created_at_ms = 0;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> ended_at_ms;
  std::string error_reason;
  crypto::Sha256 stream_key_hash{};
  // Multi-node ingest: the node that holds the stream's publish lease and until
  // when (unix ms). Empty / nullopt when no node holds it.
  std::string ingest_node;
  std::optional<int64_t> lease_until_ms;
  // Sessions are recorded (record/) unless disabled; recordings are kept this long.
  bool recording_enabled = true;
  int recording_retention_days = 7;
  // LL-HLS or plain HLS; read by the packager when a session starts.
  media::LatencyMode latency_mode = media::LatencyMode::Low;
};

struct ApiKeyRecord {
  std::string key_id;
  std::string name;
  crypto::Sha256 key_hash{};
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
};

class StreamRepository {
 public:
  // Mutates a record inside one transaction; returning an error leaves it untouched.
  using Mutation = std::function<Status(StreamRecord&)>;
  using Precondition = std::function<Status(const StreamRecord&)>;

  virtual ~StreamRepository() = default;
  virtual Result<StreamRecord> create(StreamRecord record) = 0;
  virtual Result<std::optional<StreamRecord>> get(const std::string& stream_id) = 0;
  virtual Result<std::optional<StreamRecord>> find_by_key_hash(const crypto::Sha256& hash) = 0;
  virtual Result<std::optional<StreamRecord>> find_by_edge_id(const std::string& edge_id) = 0;
  // Newest first; only rows with seq < before_seq when before_seq is set.
  virtual Result<std::vector<StreamRecord>> list(const std::string& owner_key_id, int limit,
                                                 std::optional<int64_t> before_seq) = 0;
  // How many streams `owner_key_id` has (the per-key quota of POST /v1/live-streams).
  virtual Result<int64_t> count_owned(const std::string& owner_key_id) = 0;
  // How many streams are in each state (states with none may be left out): metrics.
  virtual Result<std::map<media::StreamState, int64_t>> count_by_state() = 0;
  // Streams whose state is connecting or live.
  virtual Result<std::vector<StreamRecord>> list_on_air() = 0;
  virtual Result<StreamRecord> update(const std::string& stream_id, const Mutation& mutate) = 0;
  virtual Status remove(const std::string& stream_id, const Precondition& allowed) = 0;
};

class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  virtual Status create_key(const ApiKeyRecord& record) = 0;
  // Only keys that are not revoked.
  virtual Result<std::optional<ApiKeyRecord>> find_active_key(const crypto::Sha256& hash) = 0;
  virtual Result<std::vector<ApiKeyRecord>> list_keys() = 0;
  virtual Status revoke_key(const std::string& key_id, int64_t now_ms) = 0;
};

// The repositories on one database: what the composition root opens and hands,
// as any of the interfaces, to the stages. Its webhooks and event outbox live in
// the same database, so stream changes and their events commit together.
class Store : public StreamRepository, public ApiKeyRepository, public LiveStatsRepository {
 public:
  virtual WebhookRepository& webhooks() = 0;
  virtual RecordingRepository& recordings() = 0;
  // How stream events are rendered into the outbox (set once, before use).
  virtual void set_event_renderer(EventRenderer render) = 0;
  void set_recording_event_renderer(RecordingEventRenderer render) {
    recordings().set_event_renderer(std::move(render));
  }
};

}  // namespace antcdn::store
