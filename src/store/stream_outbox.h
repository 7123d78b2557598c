#pragma once

// The write side of the outbox, run inside a store's transaction: the events a
// stream change makes (stream_events.h), rendered, appended to stream_events,
// and one pending delivery for each webhook of the owner that subscribes to
// the type. The same transaction commits or rolls back all of it with the change.

#include <cstdint>

#include "common/result.h"
#include "store/repositories.h"
#include "store/sql_session.h"
#include "store/webhook_repository.h"

namespace antcdn::store {

// `before` null: created; `after` null: deleted. Without a renderer the
// events are recorded with an empty body (tools that never serve them).
Status record_stream_events(SqlSession& sql, const StreamRecord* before, const StreamRecord* after,
                            const EventRenderer& render, int64_t now_ms);

// Appends `event` to stream_events with one pending delivery per subscribed
// webhook of its owner (ordered with the stream's other events).
Status append_event(SqlSession& sql, const EventRecord& event);

// Appends `event` to stream_events; its seq.
Result<int64_t> insert_event(SqlSession& sql, const EventRecord& event);

}  // namespace antcdn::store
