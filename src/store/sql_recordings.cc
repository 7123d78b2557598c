#include "store/sql_recordings.h"

#include <string>

#include "common/ids.h"
#include "common/time_util.h"
#include "store/stream_outbox.h"

namespace antcdn::store {
namespace {

constexpr std::string_view kColumns =
    "seq, recording_id, stream_id, edge_id, owner_key_id, node_id, state, started_at_ms, "
    "ended_at_ms, duration_ms, has_mp4, retention_days, expires_at_ms";
constexpr int64_t kDayMs = 86'400'000;

RecordingRecord read_recording(ColumnReader& row) {
  RecordingRecord r;
  r.seq = row.integer();
  r.recording_id = row.text();
  r.stream_id = row.text();
  r.edge_id = row.text();
  r.owner_key_id = row.text();
  r.node_id = row.text();
  r.state = parse_recording_state(row.text()).value_or(RecordingState::Failed);
  r.started_at_ms = row.integer();
  r.ended_at_ms = row.optional_integer();
  r.duration_ms = row.integer();
  r.has_mp4 = row.integer() != 0;
  r.retention_days = static_cast<int>(row.integer());
  r.expires_at_ms = row.optional_integer();
  return r;
}

}  // namespace

std::string_view to_string(RecordingState state) {
  switch (state) {
    case RecordingState::Recording:
      return "recording";
    case RecordingState::Ready:
      return "ready";
    case RecordingState::Failed:
      return "failed";
  }
  return "failed";
}

std::optional<RecordingState> parse_recording_state(std::string_view text) {
  for (auto s : {RecordingState::Recording, RecordingState::Ready, RecordingState::Failed}) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return std::nullopt;
}

Result<std::vector<RecordingRecord>> SqlRecordings::select(SqlSession& sql, std::string_view rest,
                                                           const SqlSession::Bind& bind) {
  std::vector<RecordingRecord> out;
  std::string text = "SELECT " + std::string(kColumns) + " FROM recordings " + std::string(rest);
  auto r = sql.run(text, bind, [&](ColumnReader& row) { out.push_back(read_recording(row)); });
  if (!r.ok()) {
    return r.error();
  }
  return out;
}

Result<std::vector<RecordingRecord>> SqlRecordings::select_all(std::string_view rest,
                                                               const SqlSession::Bind& bind) {
  std::vector<RecordingRecord> out;
  Status s = transact_([&](SqlSession& sql) -> Status {
    auto rows = select(sql, rest, bind);
    if (!rows.ok()) {
      return rows.error();
    }
    out = std::move(*rows);
    return {};
  });
  if (!s.ok()) {
    return s.error();
  }
  return out;
}

Status SqlRecordings::add_event(SqlSession& sql, std::string_view type, const RecordingRecord& r,
                                int64_t now_ms) {
  EventRecord e{.event_id = ids::new_event_id(now_ms),
                .type = std::string(type),
                .stream_id = r.stream_id,
                .edge_id = r.edge_id,
                .owner_key_id = r.owner_key_id,
                .state = std::string(to_string(r.state)),
                .started_at_ms = r.started_at_ms,
                .ended_at_ms = r.ended_at_ms,
                .created_at_ms = now_ms};
  if (render_) {
    e.body = render_(EventHeader{e.event_id, e.type, now_ms}, r);
  }
  return append_event(sql, e);
}

Status SqlRecordings::create_recording(const RecordingRecord& r) {
  return transact_([&](SqlSession& sql) -> Status {
    auto done = sql.run(
        "INSERT INTO recordings (recording_id, stream_id, edge_id, owner_key_id, node_id, state, "
        "started_at_ms, ended_at_ms, duration_ms, has_mp4, retention_days, expires_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [&](ColumnWriter& w) {
          w.text(r.recording_id);
          w.text(r.stream_id);
          w.text(r.edge_id);
          w.text(r.owner_key_id);
          w.text(r.node_id);
          w.text(to_string(r.state));
          w.integer(r.started_at_ms);
          w.optional_integer(r.ended_at_ms);
          w.integer(r.duration_ms);
          w.integer(r.has_mp4 ? 1 : 0);
          w.integer(r.retention_days);
          w.optional_integer(r.expires_at_ms);
        });
    return done.ok() ? Status{} : Status(done.error());
  });
}

Result<std::optional<RecordingRecord>> SqlRecordings::get_recording(
    const std::string& recording_id) {
  auto rows = select_all("WHERE recording_id = ?", [&](ColumnWriter& w) { w.text(recording_id); });
  if (!rows.ok()) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<RecordingRecord>();
  }
  return std::optional<RecordingRecord>(std::move(rows->front()));
}

Result<std::vector<RecordingRecord>> SqlRecordings::list_recordings(
    const std::string& stream_id, int limit, std::optional<int64_t> before_seq) {
  return select_all("WHERE stream_id = ? AND seq < CAST(? AS BIGINT) ORDER BY seq DESC LIMIT ?",
                    [&](ColumnWriter& w) {
                      w.text(stream_id);
                      w.integer(before_seq.value_or(INT64_MAX));
                      w.integer(limit);
                    });
}

Result<RecordingRecord> SqlRecordings::finish_recording(const std::string& recording_id,
                                                        const RecordingOutcome& o) {
  RecordingRecord after;
  Status s = transact_([&](SqlSession& sql) -> Status {
    auto changed = sql.run(
        "UPDATE recordings SET state = ?, ended_at_ms = ?, duration_ms = ?, has_mp4 = ?, "
        "expires_at_ms = CAST(? AS BIGINT) + retention_days * CAST(? AS BIGINT) "
        "WHERE recording_id = ? AND state = 'recording' AND (? = '' OR node_id = ?)",
        [&](ColumnWriter& w) {
          w.text(to_string(o.state));
          w.integer(o.ended_at_ms);
          w.integer(o.duration_ms);
          w.integer(o.has_mp4 ? 1 : 0);
          w.integer(o.ended_at_ms);
          w.integer(kDayMs);
          w.text(recording_id);
          w.text(o.node_id);
          w.text(o.node_id);
        });
    if (!changed.ok()) {
      return changed.error();
    }
    if (*changed == 0) {
      return make_error(Code::NotFound, "no open recording " + recording_id +
                                            (o.node_id.empty() ? "" : " of node " + o.node_id));
    }
    auto rows =
        select(sql, "WHERE recording_id = ?", [&](ColumnWriter& w) { w.text(recording_id); });
    if (!rows.ok()) {
      return rows.error();
    }
    after = rows->front();
    return o.state == RecordingState::Ready
               ? add_event(sql, "recording.ready", after, o.ended_at_ms)
               : Status{};
  });
  if (!s.ok()) {
    return s.error();
  }
  return after;
}

Result<int64_t> SqlRecordings::change(std::string_view statement, const SqlSession::Bind& bind) {
  int64_t changed = 0;
  Status s = transact_([&](SqlSession& sql) -> Status {
    auto n = sql.run(statement, bind);
    if (!n.ok()) {
      return n.error();
    }
    changed = *n;
    return {};
  });
  if (!s.ok()) {
    return s.error();
  }
  return changed;
}

Status SqlRecordings::change_one(std::string_view statement, const SqlSession::Bind& bind,
                                 Code code, const std::string& message) {
  auto changed = change(statement, bind);
  if (!changed.ok()) {
    return changed.error();
  }
  return *changed == 0 ? Status(make_error(code, message)) : Status{};
}

Status SqlRecordings::discard_recording(const std::string& recording_id,
                                        const std::string& node_id) {
  return change_one(
      "DELETE FROM recordings WHERE recording_id = ? AND state = 'recording' AND node_id = ?",
      [&](ColumnWriter& w) {
        w.text(recording_id);
        w.text(node_id);
      },
      Code::NotFound, "no open recording " + recording_id + " of node " + node_id);
}

Status SqlRecordings::claim_recording(const std::string& recording_id, const std::string& from_node,
                                      const std::string& node_id) {
  return change_one(
      "UPDATE recordings SET node_id = ? "
      "WHERE recording_id = ? AND state = 'recording' AND (node_id = ? OR node_id = '')",
      [&](ColumnWriter& w) {
        w.text(node_id);
        w.text(recording_id);
        w.text(from_node);
      },
      Code::Conflict,
      "recording " + recording_id + " is no longer open on node " + from_node + " nor released");
}

Status SqlRecordings::release_recording(const std::string& recording_id,
                                        const std::string& node_id) {
  return change_one(
      "UPDATE recordings SET node_id = '' "
      "WHERE recording_id = ? AND state = 'recording' AND node_id = ?",
      [&](ColumnWriter& w) {
        w.text(recording_id);
        w.text(node_id);
      },
      Code::Conflict, "recording " + recording_id + " is not open on node " + node_id);
}

Status SqlRecordings::remove_recording(const std::string& recording_id) {
  return transact_([&](SqlSession& sql) -> Status {
    auto rows =
        select(sql, "WHERE recording_id = ?", [&](ColumnWriter& w) { w.text(recording_id); });
    if (!rows.ok()) {
      return rows.error();
    }
    if (rows->empty()) {
      return make_error(Code::NotFound, "no recording " + recording_id);
    }
    auto gone = sql.run("DELETE FROM recordings WHERE recording_id = ?",
                        [&](ColumnWriter& w) { w.text(recording_id); });
    if (!gone.ok()) {
      return gone.error();
    }
    // One never finished (a session without media) was never announced either.
    const RecordingRecord& gone_row = rows->front();
    return gone_row.state == RecordingState::Recording
               ? Status{}
               : add_event(sql, "recording.deleted", gone_row, unix_now_ms());
  });
}

Result<std::vector<RecordingRecord>> SqlRecordings::list_expired_recordings(int64_t now_ms,
                                                                            int limit) {
  return select_all(
      "WHERE state <> 'recording' AND expires_at_ms <= CAST(? AS BIGINT) "
      "ORDER BY expires_at_ms LIMIT ?",
      [&](ColumnWriter& w) {
        w.integer(now_ms);
        w.integer(limit);
      });
}

Result<int64_t> SqlRecordings::fail_open_recordings(const std::string& node_id,
                                                    const std::string& stream_id, int64_t now_ms) {
  if (node_id.empty() && stream_id.empty()) {
    return make_error(Code::InvalidArgument, "fail_open_recordings needs a node or a stream");
  }
  return fail_open("(? = '' OR node_id = ?) AND (? = '' OR stream_id = ?)", now_ms,
                   [&](ColumnWriter& w) {
                     w.text(node_id);
                     w.text(node_id);
                     w.text(stream_id);
                     w.text(stream_id);
                   });
}

Result<int64_t> SqlRecordings::fail_released_recordings(const std::string& stream_id,
                                                        int64_t now_ms) {
  return fail_open("node_id = '' AND stream_id = ?", now_ms,
                   [&](ColumnWriter& w) { w.text(stream_id); });
}

Result<int64_t> SqlRecordings::fail_open(std::string_view where, int64_t now_ms,
                                         const SqlSession::Bind& bind_where) {
  std::string statement =
      "UPDATE recordings SET state = 'failed', ended_at_ms = CAST(? AS BIGINT), "
      "expires_at_ms = CAST(? AS BIGINT) + retention_days * CAST(? AS BIGINT) "
      "WHERE state = 'recording' AND " +
      std::string(where);
  return change(statement, [&](ColumnWriter& w) {
    w.integer(now_ms);
    w.integer(now_ms);
    w.integer(kDayMs);
    bind_where(w);
  });
}

}  // namespace antcdn::store
