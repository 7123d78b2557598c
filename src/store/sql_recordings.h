#pragma once

// RecordingRepository over either backend: the SQL is written once, and each
// store lends it transactions (SqliteStore, PgStore own one of these).

#include "store/recording_repository.h"
#include "store/sql_session.h"

namespace antcdn::store {

class SqlRecordings final : public RecordingRepository {
 public:
  explicit SqlRecordings(Transact transact) : transact_(std::move(transact)) {}

  Status create_recording(const RecordingRecord& record) override;
  Result<std::optional<RecordingRecord>> get_recording(const std::string& recording_id) override;
  Result<std::vector<RecordingRecord>> list_recordings(const std::string& stream_id, int limit,
                                                       std::optional<int64_t> before_seq) override;
  Result<RecordingRecord> finish_recording(const std::string& recording_id,
                                           const RecordingOutcome& outcome) override;
  Status remove_recording(const std::string& recording_id) override;
  Status discard_recording(const std::string& recording_id, const std::string& node_id) override;
  Status claim_recording(const std::string& recording_id, const std::string& from_node,
                         const std::string& node_id) override;
  Status release_recording(const std::string& recording_id, const std::string& node_id) override;
  Result<std::vector<RecordingRecord>> list_expired_recordings(int64_t now_ms, int limit) override;
  Result<int64_t> fail_open_recordings(const std::string& node_id, const std::string& stream_id,
                                       int64_t now_ms) override;
  Result<int64_t> fail_released_recordings(const std::string& stream_id, int64_t now_ms) override;
  void set_event_renderer(RecordingEventRenderer render) override { render_ = std::move(render); }

 private:
  // Rows of `SELECT columns FROM recordings {rest}`.
  Result<std::vector<RecordingRecord>> select(SqlSession& sql, std::string_view rest,
                                              const SqlSession::Bind& bind);
  // The same, in a transaction of its own.
  Result<std::vector<RecordingRecord>> select_all(std::string_view rest,
                                                  const SqlSession::Bind& bind);
  // Runs a change of rows in a transaction of its own; how many it changed.
  Result<int64_t> change(std::string_view statement, const SqlSession::Bind& bind);
  // change(), where changing no row is `code` with `message`.
  Status change_one(std::string_view statement, const SqlSession::Bind& bind, Code code,
                    const std::string& message);
  // Marks `failed` the open recordings that also match `where`; how many.
  Result<int64_t> fail_open(std::string_view where, int64_t now_ms,
                            const SqlSession::Bind& bind_where);
  Status add_event(SqlSession& sql, std::string_view type, const RecordingRecord& r,
                   int64_t now_ms);

  Transact transact_;
  RecordingEventRenderer render_;
};

}  // namespace antcdn::store
