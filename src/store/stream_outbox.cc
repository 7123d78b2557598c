#include "store/stream_outbox.h"

#include <string>

#include "common/ids.h"
#include "store/stream_events.h"

namespace antcdn::store {
namespace {

// Webhooks store their types comma-separated, or "*" for all of them. The
// webhooks of a revoked API key get nothing new: revoking a key stops what it
// set up (deliveries queued before stay queued).
constexpr std::string_view kFanOut =
    "INSERT INTO webhook_deliveries (webhook_id, event_seq, ordering_key, status, attempts, "
    "next_attempt_ms, updated_at_ms) "
    "SELECT webhook_id, CAST(? AS BIGINT), ?, 'pending', 0, CAST(? AS BIGINT), "
    "CAST(? AS BIGINT) FROM webhooks WHERE owner_key_id = ? AND "
    "(events = '*' OR (',' || events || ',') LIKE ('%,' || ? || ',%')) AND NOT EXISTS "
    "(SELECT 1 FROM api_keys WHERE api_keys.key_id = webhooks.owner_key_id AND "
    "api_keys.revoked_at_ms IS NOT NULL)";

}  // namespace

Result<int64_t> insert_event(SqlSession& sql, const EventRecord& e) {
  int64_t seq = 0;
  auto r = sql.run(
      "INSERT INTO stream_events (event_id, type, stream_id, edge_id, owner_key_id, state, "
      "started_at_ms, ended_at_ms, created_at_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING seq",
      [&](ColumnWriter& w) {
        w.text(e.event_id);
        w.text(e.type);
        w.text(e.stream_id);
        w.text(e.edge_id);
        w.text(e.owner_key_id);
        w.text(e.state);
        w.optional_integer(e.started_at_ms);
        w.optional_integer(e.ended_at_ms);
        w.integer(e.created_at_ms);
        w.text(e.body);
      },
      [&](ColumnReader& row) { seq = row.integer(); });
  if (!r.ok()) {
    return r.error();
  }
  return seq;
}

Status record_stream_events(SqlSession& sql, const StreamRecord* before, const StreamRecord* after,
                            const EventRenderer& render, int64_t now_ms) {
  const StreamRecord& stream = after != nullptr ? *after : *before;
  for (std::string_view type : stream_event_types(before, after)) {
    EventRecord e{
        .event_id = ids::new_event_id(now_ms),
        .type = std::string(type),
        .stream_id = stream.stream_id,
        .edge_id = stream.edge_id,
        .owner_key_id = stream.owner_key_id,
        .state = std::string(media::to_string(stream.state)),
        .started_at_ms = stream.started_at_ms,
        .ended_at_ms = stream.ended_at_ms,
        .created_at_ms = now_ms,
    };
    if (render) {
      e.body = render(EventHeader{e.event_id, e.type, now_ms}, stream);
    }
    if (auto s = append_event(sql, e); !s.ok()) {
      return s;
    }
  }
  return {};
}

Status append_event(SqlSession& sql, const EventRecord& e) {
  auto seq = insert_event(sql, e);
  if (!seq.ok()) {
    return seq.error();
  }
  auto fanned = sql.run(kFanOut, [&](ColumnWriter& w) {
    w.integer(*seq);
    w.text(e.stream_id);
    w.integer(e.created_at_ms);
    w.integer(e.created_at_ms);
    w.text(e.owner_key_id);
    w.text(e.type);
  });
  return fanned.ok() ? Status{} : Status(fanned.error());
}

}  // namespace antcdn::store
