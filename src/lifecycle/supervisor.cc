#include "lifecycle/supervisor.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "common/ids.h"
#include "common/time_util.h"

namespace antcdn::lifecycle {

struct Supervisor::WindowTimer {
  explicit WindowTimer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
};

Supervisor::Active::Active() = default;
Supervisor::Active::~Active() = default;
Supervisor::Active::Active(Active&&) noexcept = default;

Supervisor::Supervisor(net::EventLoop& loop, store::StreamRepository& streams,
                       SinkFactory make_sink, std::chrono::seconds ended_hold)
    : loop_(loop), streams_(streams), make_sink_(std::move(make_sink)), ended_hold_(ended_hold) {}

Supervisor::~Supervisor() = default;

Result<Transition> Supervisor::apply(const std::string& stream_id, Event event,
                                     const std::string& reason) {
  Transition taken;
  auto updated = streams_.update(stream_id, [&](store::StreamRecord& s) -> Status {
    auto t = transition(s.state, event);
    if (!t.ok()) {
      return t.error();
    }
    taken = *t;
    s.state = t->next;
    int64_t now = unix_now_ms();
    if (t->record_started_at) {
      s.started_at_ms = now;
      s.ended_at_ms.reset();
      s.error_reason.clear();
    }
    if (t->record_ended_at) {
      s.ended_at_ms = now;
    }
    if (t->next == State::Error) {
      s.error_reason = reason;
    }
    return {};
  });
  if (!updated.ok()) {
    return updated.error();
  }
  spdlog::info("lifecycle: stream {} is {}", stream_id, to_string(taken.next));
  holds_.erase(stream_id);  // any transition cancels a pending ended -> idle
  if (taken.next == State::Ended) {
    start_hold(stream_id);
  }
  return taken;
}

Result<PublishGrant> Supervisor::authorize(PublishRequest request) {
  auto found = streams_.find_by_key_hash(ids::credential_hash(request.stream_key));
  if (!found.ok()) {
    return found.error();
  }
  if (!*found || !crypto::constant_time_equal((*found)->stream_key_hash,
                                              ids::credential_hash(request.stream_key))) {
    return make_error(Code::Unauthenticated, "unknown stream key");
  }
  const store::StreamRecord& stream = **found;
  auto it = active_.find(stream.stream_id);
  if (it != active_.end() && it->second.has_publisher) {
    return make_error(Code::Conflict, "the stream already has a publisher");
  }
  if (it == active_.end() && !allows_config_change(stream.state)) {
    // On air in the store but not here (a previous process died): end it first.
    (void)apply(stream.stream_id, Event::Kill);
  }
  auto t = apply(stream.stream_id, Event::Publish);
  if (!t.ok()) {
    return t.error();
  }
  Active& a = active_[stream.stream_id];
  if (t->new_session || !a.sink) {
    a.sink = make_sink_(stream);
    a.went_live = false;
  }
  a.window.reset();  // cancels a pending reconnect deadline
  a.has_publisher = true;
  a.ready = false;  // a resumed session is `connecting` until its own segments are stored
  a.killing = false;
  a.disconnect = std::move(request.disconnect);
  a.token = next_token_++;
  return PublishGrant{.stream_id = stream.stream_id,
                      .edge_id = stream.edge_id,
                      .quality = stream.quality,
                      .resumed = t->resume_session,
                      .token = a.token,
                      .sink = a.sink};
}

void Supervisor::on_segments_ready(const std::string& stream_id) {
  auto it = active_.find(stream_id);
  if (it == active_.end() || !it->second.has_publisher) {
    return;
  }
  if (!it->second.ready) {
    it->second.ready = true;
    it->second.went_live = true;
    (void)apply(stream_id, Event::SegmentsReady);
  }
}

void Supervisor::finish(const std::string& stream_id, Event event, media::EndReason end,
                        const std::string& reason) {
  auto it = active_.find(stream_id);
  if (it == active_.end()) {
    return;
  }
  auto sink = std::move(it->second.sink);
  active_.erase(it);
  if (auto t = apply(stream_id, event, reason); !t.ok()) {
    spdlog::warn("lifecycle: stream {}: {}", stream_id, t.error().describe());
  }
  if (sink) {
    sink->on_end(end);
  }
}

void Supervisor::on_stopped(const PublishGrant& grant, media::EndReason reason,
                            const std::string& detail) {
  auto it = active_.find(grant.stream_id);
  if (it == active_.end() || it->second.token != grant.token) {
    return;  // already ended (killed, deleted) or superseded
  }
  Active& a = it->second;
  a.has_publisher = false;
  a.disconnect = nullptr;
  if (!a.failure.empty()) {
    finish(grant.stream_id, Event::Fail, media::EndReason::Failed, a.failure);
    return;
  }
  if (a.killing) {
    finish(grant.stream_id, Event::Kill, media::EndReason::Killed);
    return;
  }
  switch (reason) {
    case media::EndReason::Clean:
      finish(grant.stream_id, Event::Unpublish, media::EndReason::Clean);
      return;
    case media::EndReason::Failed:
      spdlog::warn("lifecycle: stream {} failed: {}", grant.stream_id, detail);
      finish(grant.stream_id, Event::Fail, media::EndReason::Failed, detail);
      return;
    case media::EndReason::Killed:
      finish(grant.stream_id, Event::Kill, media::EndReason::Killed);
      return;
    case media::EndReason::Dropped:
      break;
  }
  if (!a.went_live) {
    finish(grant.stream_id, Event::DropBeforeLive, media::EndReason::Clean);
    return;
  }
  auto record = streams_.get(grant.stream_id);
  int window = record.ok() && *record ? (**record).reconnect_window_s : 0;
  if (window <= 0) {
    finish(grant.stream_id, Event::Unpublish, media::EndReason::Clean);
    return;
  }
  if (auto t = apply(grant.stream_id, Event::Drop); !t.ok()) {
    spdlog::warn("lifecycle: stream {}: {}", grant.stream_id, t.error().describe());
  }
  a.sink->on_end(media::EndReason::Dropped);
  start_window(grant.stream_id, window);
}

void Supervisor::start_window(const std::string& stream_id, int seconds) {
  Active& a = active_[stream_id];
  a.window = std::make_unique<WindowTimer>(loop_.context());
  a.window->timer.expires_after(std::chrono::seconds(seconds));
  uint64_t token = a.token;
  a.window->timer.async_wait([this, stream_id, token](const boost::system::error_code& ec) {
    auto it = active_.find(stream_id);
    if (ec || it == active_.end() || it->second.has_publisher || it->second.token != token) {
      return;
    }
    spdlog::info("lifecycle: stream {}: reconnect window expired", stream_id);
    finish(stream_id, Event::WindowExpired, media::EndReason::Clean);
  });
}

void Supervisor::start_hold(const std::string& stream_id) {
  auto timer = std::make_unique<WindowTimer>(loop_.context());
  timer->timer.expires_after(ended_hold_);
  timer->timer.async_wait([this, stream_id](const boost::system::error_code& ec) {
    if (!ec) {
      (void)apply(stream_id, Event::HoldExpired);
    }
  });
  holds_[stream_id] = std::move(timer);
}

void Supervisor::kill_session(const std::string& stream_id) {
  auto it = active_.find(stream_id);
  if (it == active_.end()) {
    return;
  }
  if (it->second.has_publisher && it->second.disconnect) {
    // The session reports back through on_stopped, which sees `killing`.
    it->second.killing = true;
    it->second.disconnect();
    return;
  }
  finish(stream_id, Event::Kill, media::EndReason::Killed);
}

void Supervisor::fail_session(const std::string& stream_id, const std::string& reason) {
  auto it = active_.find(stream_id);
  if (it == active_.end()) {
    return;
  }
  spdlog::warn("lifecycle: stream {} failed: {}", stream_id, reason);
  if (it->second.has_publisher && it->second.disconnect) {
    it->second.failure = reason;
    it->second.disconnect();
    return;
  }
  finish(stream_id, Event::Fail, media::EndReason::Failed, reason);
}

void Supervisor::shutdown() {
  std::vector<std::string> ids;
  for (auto& [id, a] : active_) {
    ids.push_back(id);
  }
  for (const auto& id : ids) {
    auto it = active_.find(id);
    if (it != active_.end() && it->second.disconnect) {
      it->second.disconnect();
    }
    finish(id, Event::Kill, media::EndReason::Killed);
  }
}

std::vector<store::StreamRecord> Supervisor::recover(
    const std::vector<store::StreamRecord>& on_air) {
  std::vector<store::StreamRecord> ended;
  for (const auto& s : on_air) {
    if (active_.count(s.stream_id) == 0 && !allows_config_change(s.state)) {
      spdlog::info("lifecycle: stream {} was {} when the server stopped; ending it", s.stream_id,
                   to_string(s.state));
      if (apply(s.stream_id, Event::Kill).ok()) {
        ended.push_back(s);
      }
    }
  }
  return ended;
}

}  // namespace antcdn::lifecycle
