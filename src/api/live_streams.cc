#include "api/live_streams.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "api/pagination.h"
#include "common/ids.h"
#include "common/parse_number.h"
#include "common/time_util.h"

namespace antcdn::api {
namespace {

// Another key's stream is reported exactly like a missing one.
Error not_found() {
  return make_error(Code::NotFound, "live stream not found");
}

// The store names the id it did not find; the API answers a missing stream
// exactly as it answers another key's, so the two cannot be told apart.
net::HttpResponse stream_error(const Error& e) {
  return error_response(e.code == Code::NotFound ? not_found() : e);
}

Status owned_by(const store::StreamRecord& s, const std::string& owner) {
  return s.owner_key_id == owner ? Status{} : Status{not_found()};
}

Status config_change_allowed(const store::StreamRecord& s, std::string_view what) {
  if (media::allows_config_change(s.state)) {
    return {};
  }
  return make_error(Code::Conflict, std::string(what) + " is not allowed while the stream is " +
                                        std::string(media::to_string(s.state)));
}

}  // namespace

Result<LiveFigures> LiveStreams::figures_of(const store::StreamRecord& stream) {
  if (figures_ == nullptr) {
    return LiveFigures{};
  }
  return read_live_figures(*figures_, stream, unix_now_ms());
}

LiveFigures LiveStreams::figures_after_write(const store::StreamRecord& stream) {
  auto live = figures_of(stream);
  if (!live.ok()) {
    spdlog::warn("api: reading the live figures of {} failed: {}", stream.stream_id,
                 live.error().describe());
    return {};
  }
  return std::move(*live);
}

net::HttpResponse LiveStreams::create(const std::string& owner, const net::HttpRequest& req) {
  auto parsed = parse_create_request(req.body);
  if (!parsed.ok()) {
    return error_response(parsed.error());
  }
  // A quota, not a hard invariant: two creates racing at the limit may both
  // pass (one stream over), which is harmless for what it guards against.
  auto owned = streams_.count_owned(owner);
  if (!owned.ok()) {
    spdlog::error("api: counting streams failed: {}", owned.error().describe());
    return error_response(owned.error());
  }
  if (*owned >= max_streams_per_key_) {
    return error_response(make_error(Code::ResourceExhausted,
                                     "this API key already has " + std::to_string(*owned) +
                                         " live streams, its limit; delete unused streams first"));
  }
  int64_t now = unix_now_ms();
  Secret key = ids::new_stream_key();
  store::StreamRecord record{
      .stream_id = ids::new_stream_id(now),
      .edge_id = ids::new_edge_id(now),
      .owner_key_id = owner,
      .name = parsed->name,
      .quality = parsed->quality,
      .reconnect_window_s = parsed->reconnect_window_s,
      .created_at_ms = now,
      .stream_key_hash = ids::credential_hash(key),
      .recording_enabled = parsed->recording.enabled.value_or(default_recording_),
      .recording_retention_days =
          parsed->recording.retention_days.value_or(default_retention_days_),
      .latency_mode = parsed->latency_mode,
  };
  auto created = streams_.create(std::move(record));
  if (!created.ok()) {
    spdlog::error("api: create stream failed: {}", created.error().describe());
    return error_response(created.error());
  }
  spdlog::info("api: created stream {} edge={} quality={} latency={}", created->stream_id,
               created->edge_id, media::to_string(created->quality),
               media::to_string(created->latency_mode));
  return json_response(201, stream_json(*created, urls_, &key))
      .set("Location", "/v1/live-streams/" + created->stream_id);
}

net::HttpResponse LiveStreams::get(const std::string& owner, const std::string& stream_id) {
  auto found = streams_.get(stream_id);
  if (!found.ok()) {
    return stream_error(found.error());
  }
  if (!*found || !owned_by(**found, owner).ok()) {
    return error_response(not_found());
  }
  auto live = figures_of(**found);
  if (!live.ok()) {
    return error_response(live.error());
  }
  return json_response(200, stream_json(**found, urls_, nullptr, &*live));
}

net::HttpResponse LiveStreams::list(const std::string& owner, const net::HttpRequest& req) {
  auto page = parse_page_query(req);
  if (!page.ok()) {
    return error_response(page.error());
  }
  auto rows = streams_.list(owner, page->limit + 1, page->before);
  if (!rows.ok()) {
    return error_response(rows.error());
  }
  std::optional<std::string> next = cut_page(*rows, page->limit);
  std::vector<LiveFigures> live;
  live.reserve(rows->size());
  for (const auto& row : *rows) {
    auto figures = figures_of(row);
    if (!figures.ok()) {
      return error_response(figures.error());
    }
    live.push_back(std::move(*figures));
  }
  return json_response(200, stream_page_json(*rows, urls_, next, live));
}

net::HttpResponse LiveStreams::patch(const std::string& owner, const std::string& stream_id,
                                     const net::HttpRequest& req) {
  auto parsed = parse_patch_request(req.body);
  if (!parsed.ok()) {
    return error_response(parsed.error());
  }
  const PatchStreamRequest& p = *parsed;
  auto updated = streams_.update(stream_id, [&](store::StreamRecord& s) -> Status {
    if (auto st = owned_by(s, owner); !st.ok()) {
      return st;
    }
    if (p.quality || p.reconnect_window_s || p.latency_mode) {
      if (auto st =
              config_change_allowed(s, "changing quality, reconnectWindowSeconds or latencyMode");
          !st.ok()) {
        return st;
      }
    }
    s.name = p.name.value_or(s.name);
    s.quality = p.quality.value_or(s.quality);
    s.reconnect_window_s = p.reconnect_window_s.value_or(s.reconnect_window_s);
    s.latency_mode = p.latency_mode.value_or(s.latency_mode);
    // Takes effect from the next session (a running one keeps its recording).
    s.recording_enabled = p.recording.enabled.value_or(s.recording_enabled);
    s.recording_retention_days = p.recording.retention_days.value_or(s.recording_retention_days);
    return {};
  });
  if (!updated.ok()) {
    return stream_error(updated.error());
  }
  LiveFigures live = figures_after_write(*updated);
  return json_response(200, stream_json(*updated, urls_, nullptr, &live));
}

net::HttpResponse LiveStreams::rotate_key(const std::string& owner, const std::string& stream_id,
                                          const net::HttpRequest& req) {
  auto query = net::parse_query(req.query());
  if (!query.ok()) {
    return error_response(query.error());
  }
  bool force = false;
  for (const auto& [k, v] : *query) {
    if (k == "force") {
      force = v == "true" || v == "1";
    }
  }
  Secret key = ids::new_stream_key();
  bool was_on_air = false;
  auto updated = streams_.update(stream_id, [&](store::StreamRecord& s) -> Status {
    if (auto st = owned_by(s, owner); !st.ok()) {
      return st;
    }
    was_on_air = media::is_on_air(s.state);
    if (!force) {
      if (auto st = config_change_allowed(s, "rotating the key (without force=true)"); !st.ok()) {
        return st;
      }
    }
    s.stream_key_hash = ids::credential_hash(key);
    return {};
  });
  if (!updated.ok()) {
    return stream_error(updated.error());
  }
  // The old key is already dead in the store; a forced rotation also ends the
  // session that is using it.
  if (was_on_air && sessions_) {
    sessions_->kill_session(stream_id);
  }
  spdlog::info("api: rotated key of stream {}{}", stream_id, force ? " (forced)" : "");
  LiveFigures live = figures_after_write(*updated);
  return json_response(200, stream_json(*updated, urls_, &key, &live));
}

net::HttpResponse LiveStreams::remove(const std::string& owner, const std::string& stream_id) {
  store::StreamRecord deleted;
  auto removed = streams_.remove(stream_id, [&](const store::StreamRecord& s) -> Status {
    if (auto st = owned_by(s, owner); !st.ok()) {
      return st;
    }
    deleted = s;
    return config_change_allowed(s, "deleting the stream");
  });
  if (!removed.ok()) {
    return stream_error(removed.error());
  }
  if (on_deleted_) {
    on_deleted_(deleted);
  }
  spdlog::info("api: deleted stream {}", stream_id);
  net::HttpResponse res;
  res.status = 204;
  return res;
}

}  // namespace antcdn::api
