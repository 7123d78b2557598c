#include "store/sql_webhooks.h"

#include <string>

#include "store/stream_outbox.h"

namespace antcdn::store {
namespace {

constexpr std::string_view kWebhookColumns =
    "webhook_id, owner_key_id, url, events, description, secret, created_at_ms";
constexpr std::string_view kEventColumns =
    "seq, event_id, type, stream_id, edge_id, owner_key_id, state, started_at_ms, ended_at_ms, "
    "created_at_ms, body";

std::string join_types(const std::vector<std::string>& types) {
  std::string out;
  for (const auto& t : types) {
    out.append(out.empty() ? "" : ",").append(t);
  }
  return out;
}

std::vector<std::string> split_types(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

WebhookRecord read_webhook(ColumnReader& row) {
  WebhookRecord w;
  w.webhook_id = row.text();
  w.owner_key_id = row.text();
  w.url = row.text();
  w.events = split_types(row.text());
  w.description = row.text();
  w.secret = row.text();
  w.created_at_ms = row.integer();
  return w;
}

EventRecord read_event(ColumnReader& row) {
  EventRecord e;
  e.seq = row.integer();
  e.event_id = row.text();
  e.type = row.text();
  e.stream_id = row.text();
  e.edge_id = row.text();
  e.owner_key_id = row.text();
  e.state = row.text();
  e.started_at_ms = row.optional_integer();
  e.ended_at_ms = row.optional_integer();
  e.created_at_ms = row.integer();
  e.body = row.text();
  return e;
}

std::optional<int> optional_int(std::optional<int64_t> v) {
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

// The oldest pending delivery of each (webhook, stream), due, and not held by
// another sender: later events of a stream wait for earlier ones.
std::string claimable_sql(SqlSession::Dialect dialect) {
  std::string sql =
      "SELECT d.seq FROM webhook_deliveries d WHERE d.status = 'pending' AND "
      "d.next_attempt_ms <= ? AND (d.lease_until_ms IS NULL OR d.lease_until_ms < ?) AND "
      "NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND "
      "e.ordering_key = d.ordering_key AND e.status = 'pending' AND e.event_seq < d.event_seq) "
      "ORDER BY d.seq LIMIT ?";
  // Several nodes: rows another node is claiming right now are skipped, not
  // waited for; SQLite has one writer at a time (BEGIN IMMEDIATE) anyway.
  if (dialect == SqlSession::Dialect::Postgres) {
    sql += " FOR UPDATE SKIP LOCKED";
  }
  return sql;
}

}  // namespace

Status SqlWebhooks::create_webhook(const WebhookRecord& r) {
  return transact_([&](SqlSession& sql) -> Status {
    auto done = sql.run(
        "INSERT INTO webhooks (webhook_id, owner_key_id, url, events, description, secret, "
        "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [&](ColumnWriter& w) {
          w.text(r.webhook_id);
          w.text(r.owner_key_id);
          w.text(r.url);
          w.text(join_types(r.events));
          w.text(r.description);
          w.text(r.secret);
          w.integer(r.created_at_ms);
        });
    return done.ok() ? Status{} : Status{done.error()};
  });
}

Result<std::vector<WebhookRecord>> SqlWebhooks::select_webhooks(std::string_view where,
                                                                const std::string& key) {
  std::vector<WebhookRecord> out;
  auto s = transact_([&](SqlSession& sql) -> Status {
    auto done = sql.run(
        "SELECT " + std::string(kWebhookColumns) + " FROM webhooks WHERE " + std::string(where) +
            " ORDER BY seq",
        [&](ColumnWriter& w) { w.text(key); },
        [&](ColumnReader& row) { out.push_back(read_webhook(row)); });
    return done.ok() ? Status{} : Status{done.error()};
  });
  if (!s.ok()) {
    return s.error();
  }
  return out;
}

Result<std::optional<WebhookRecord>> SqlWebhooks::get_webhook(const std::string& webhook_id) {
  auto rows = select_webhooks("webhook_id = ?", webhook_id);
  if (!rows.ok()) {
    return rows.error();
  }
  return rows->empty() ? std::optional<WebhookRecord>() : std::optional(std::move(rows->front()));
}

Result<std::vector<WebhookRecord>> SqlWebhooks::list_webhooks(const std::string& owner_key_id) {
  return select_webhooks("owner_key_id = ?", owner_key_id);
}

Status SqlWebhooks::remove_webhook(const std::string& webhook_id) {
  return transact_([&](SqlSession& sql) -> Status {
    auto bind = [&](ColumnWriter& w) { w.text(webhook_id); };
    // Children first: PostgreSQL has no ON DELETE CASCADE here to lean on.
    for (std::string_view table : {"webhook_attempts", "webhook_deliveries"}) {
      auto gone = sql.run("DELETE FROM " + std::string(table) + " WHERE webhook_id = ?", bind);
      if (!gone.ok()) {
        return gone.error();
      }
    }
    auto n = sql.run("DELETE FROM webhooks WHERE webhook_id = ?", bind);
    if (!n.ok()) {
      return n.error();
    }
    return *n == 0 ? Status{make_error(Code::NotFound, "no webhook " + webhook_id)} : Status{};
  });
}

Status SqlWebhooks::add_test_event(const std::string& webhook_id, EventRecord event) {
  return transact_([&](SqlSession& sql) -> Status {
    auto seq = insert_event(sql, event);
    if (!seq.ok()) {
      return seq.error();
    }
    auto done = sql.run(
        "INSERT INTO webhook_deliveries (webhook_id, event_seq, ordering_key, status, attempts, "
        "next_attempt_ms, updated_at_ms) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
        [&](ColumnWriter& w) {
          w.text(webhook_id);
          w.integer(*seq);
          w.text(webhook_id);  // test events are ordered among themselves
          w.integer(event.created_at_ms);
          w.integer(event.created_at_ms);
        });
    return done.ok() ? Status{} : Status{done.error()};
  });
}

Result<std::vector<DeliveryJob>> SqlWebhooks::claim_deliveries(const std::string& node,
                                                               int64_t now_ms, int64_t lease_ms,
                                                               int limit) {
  std::vector<DeliveryJob> jobs;
  auto s = transact_([&](SqlSession& sql) -> Status {
    std::vector<int64_t> seqs;
    auto found = sql.run(
        claimable_sql(sql.dialect()),
        [&](ColumnWriter& w) {
          w.integer(now_ms);
          w.integer(now_ms);
          w.integer(limit);
        },
        [&](ColumnReader& row) { seqs.push_back(row.integer()); });
    if (!found.ok()) {
      return found.error();
    }
    for (int64_t seq : seqs) {
      auto leased =
          sql.run("UPDATE webhook_deliveries SET lease_node = ?, lease_until_ms = ? WHERE seq = ?",
                  [&](ColumnWriter& w) {
                    w.text(node);
                    w.integer(now_ms + lease_ms);
                    w.integer(seq);
                  });
      if (!leased.ok()) {
        return leased.error();
      }
      auto read = sql.run(
          "SELECT d.seq, d.webhook_id, w.url, w.secret, e.event_id, e.type, e.body, d.attempts, "
          "e.created_at_ms FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = "
          "d.webhook_id JOIN stream_events e ON e.seq = d.event_seq WHERE d.seq = ?",
          [&](ColumnWriter& w) { w.integer(seq); },
          [&](ColumnReader& row) {
            DeliveryJob j;
            j.delivery_seq = row.integer();
            j.webhook_id = row.text();
            j.url = row.text();
            j.secret = row.text();
            j.event_id = row.text();
            j.type = row.text();
            j.body = row.text();
            j.attempt = static_cast<int>(row.integer()) + 1;
            j.event_created_at_ms = row.integer();
            jobs.push_back(std::move(j));
          });
      if (!read.ok()) {
        return read.error();
      }
    }
    return {};
  });
  if (!s.ok()) {
    return s.error();
  }
  return jobs;
}

Status SqlWebhooks::finish_delivery(int64_t delivery_seq, const DeliveryResult& r) {
  std::string status = r.delivered ? "delivered" : (r.retry_at_ms ? "pending" : "failed");
  std::string outcome = r.delivered ? "delivered" : (r.retry_at_ms ? "retrying" : "failed");
  return transact_([&](SqlSession& sql) -> Status {
    auto logged = sql.run(
        "INSERT INTO webhook_attempts (webhook_id, event_id, type, attempt, status_code, error, "
        "outcome, time_ms) SELECT d.webhook_id, e.event_id, e.type, d.attempts + 1, "
        "CAST(? AS BIGINT), ?, ?, CAST(? AS BIGINT) FROM webhook_deliveries d JOIN stream_events "
        "e ON e.seq = d.event_seq WHERE d.seq = ?",
        [&](ColumnWriter& w) {
          w.optional_integer(r.status_code ? std::optional<int64_t>(*r.status_code) : std::nullopt);
          w.text(r.error);
          w.text(outcome);
          w.integer(r.now_ms);
          w.integer(delivery_seq);
        });
    if (!logged.ok()) {
      return logged.error();
    }
    auto updated = sql.run(
        "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_ms = ?, "
        "lease_node = '', lease_until_ms = NULL, updated_at_ms = ? WHERE seq = ?",
        [&](ColumnWriter& w) {
          w.text(status);
          w.integer(r.retry_at_ms.value_or(r.now_ms));
          w.integer(r.now_ms);
          w.integer(delivery_seq);
        });
    return updated.ok() ? Status{} : Status{updated.error()};
  });
}

Result<std::vector<DeliveryAttempt>> SqlWebhooks::list_attempts(const std::string& webhook_id,
                                                                int limit) {
  std::vector<DeliveryAttempt> out;
  auto s = transact_([&](SqlSession& sql) -> Status {
    auto done = sql.run(
        "SELECT event_id, type, attempt, status_code, error, outcome, time_ms FROM "
        "webhook_attempts WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?",
        [&](ColumnWriter& w) {
          w.text(webhook_id);
          w.integer(limit);
        },
        [&](ColumnReader& row) {
          DeliveryAttempt a;
          a.event_id = row.text();
          a.type = row.text();
          a.attempt = static_cast<int>(row.integer());
          a.status_code = optional_int(row.optional_integer());
          a.error = row.text();
          a.outcome = row.text();
          a.time_ms = row.integer();
          out.push_back(std::move(a));
        });
    return done.ok() ? Status{} : Status{done.error()};
  });
  if (!s.ok()) {
    return s.error();
  }
  return out;
}

Result<std::vector<EventRecord>> SqlWebhooks::select_events(std::string_view rest,
                                                            const SqlSession::Bind& bind) {
  std::vector<EventRecord> out;
  auto s = transact_([&](SqlSession& sql) -> Status {
    auto done =
        sql.run("SELECT " + std::string(kEventColumns) + " FROM stream_events " + std::string(rest),
                bind, [&](ColumnReader& row) { out.push_back(read_event(row)); });
    return done.ok() ? Status{} : Status{done.error()};
  });
  if (!s.ok()) {
    return s.error();
  }
  return out;
}

Result<std::vector<EventRecord>> SqlWebhooks::events_after(const std::string& stream_id,
                                                           int64_t after_seq, int limit) {
  if (stream_id.empty()) {
    return select_events("WHERE seq > ? AND stream_id <> '' ORDER BY seq LIMIT ?",
                         [&](ColumnWriter& w) {
                           w.integer(after_seq);
                           w.integer(limit);
                         });
  }
  return select_events("WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                       [&](ColumnWriter& w) {
                         w.text(stream_id);
                         w.integer(after_seq);
                         w.integer(limit);
                       });
}

Result<std::optional<EventRecord>> SqlWebhooks::find_event(const std::string& event_id) {
  auto rows = select_events("WHERE event_id = ?", [&](ColumnWriter& w) { w.text(event_id); });
  if (!rows.ok()) {
    return rows.error();
  }
  return rows->empty() ? std::optional<EventRecord>() : std::optional(std::move(rows->front()));
}

Result<int64_t> SqlWebhooks::last_event_seq() {
  int64_t seq = 0;
  auto s = transact_([&](SqlSession& sql) -> Status {
    auto done = sql.run("SELECT COALESCE(MAX(seq), 0) FROM stream_events", {},
                        [&](ColumnReader& row) { seq = row.integer(); });
    return done.ok() ? Status{} : Status{done.error()};
  });
  if (!s.ok()) {
    return s.error();
  }
  return seq;
}

Status SqlWebhooks::prune(int64_t before_ms) {
  return transact_([&](SqlSession& sql) -> Status {
    auto bind = [&](ColumnWriter& w) { w.integer(before_ms); };
    for (std::string_view stmt : {
             "DELETE FROM webhook_attempts WHERE time_ms < ?",
             "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at_ms < ?",
             "DELETE FROM stream_events WHERE created_at_ms < ? AND NOT EXISTS (SELECT 1 FROM "
             "webhook_deliveries d WHERE d.event_seq = stream_events.seq)",
         }) {
      if (auto done = sql.run(stmt, bind); !done.ok()) {
        return done.error();
      }
    }
    return {};
  });
}

}  // namespace antcdn::store
