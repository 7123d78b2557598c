#include "lifecycle/supervisor.h"

#include <algorithm>
#include <utility>
#include <vector>

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
                       SinkFactory make_sink, SupervisorOptions options,
                       AbandonedHandler on_abandoned)
    : loop_(loop),
      streams_(streams),
      make_sink_(std::move(make_sink)),
      options_(std::move(options)),
      on_abandoned_(std::move(on_abandoned)) {}

Supervisor::~Supervisor() = default;

bool Supervisor::held_elsewhere(const store::StreamRecord& s, int64_t now_ms) const {
  return is_on_air(s.state) && !s.ingest_node.empty() && s.ingest_node != options_.node_id &&
         s.lease_until_ms && *s.lease_until_ms >= now_ms;
}

Result<Transition> Supervisor::apply(const std::string& stream_id, Event event,
                                     const std::string& reason, bool* taken_over) {
  Transition taken;
  auto updated = streams_.update(stream_id, [&](store::StreamRecord& s) -> Status {
    int64_t now = unix_now_ms();
    if (held_elsewhere(s, now)) {
      if (taken_over != nullptr) {
        *taken_over = true;
      }
      return make_error(Code::Conflict, "the stream is on air through node " + s.ingest_node);
    }
    auto t = transition(s.state, event);
    if (!t.ok()) {
      return t.error();
    }
    taken = *t;
    s.state = t->next;
    if (is_on_air(s.state)) {
      // In a reconnect window the session is nobody's: an encoder that comes
      // back through another ingest node may take it over (load balancers do
      // not pin encoders). This node still renews the lease meanwhile.
      s.ingest_node = event == Event::Drop ? std::string() : options_.node_id;
      s.lease_until_ms = now + options_.lease.count();
    } else {
      s.ingest_node.clear();
      s.lease_until_ms.reset();
    }
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

void Supervisor::apply_or_retry(const std::string& stream_id, Event event,
                                const std::string& reason) {
  if (auto t = apply(stream_id, event, reason); !t.ok()) {
    remember_failed_write(stream_id, event, reason, t.error());
  }
}

void Supervisor::remember_failed_write(const std::string& stream_id, Event event,
                                       const std::string& reason, const Error& error) {
  if (error.code == Code::Conflict || error.code == Code::NotFound) {
    spdlog::info("lifecycle: stream {}: {}", stream_id, error.describe());
    return;
  }
  // The store did not answer: the stream must not stay `connecting` or `live`
  // in it. The watch writes it again until it lands (or is overtaken).
  spdlog::warn("lifecycle: stream {}: writing its state failed ({}); will retry", stream_id,
               error.describe());
  pending_writes_[stream_id] = PendingWrite{event, reason};
}

void Supervisor::authorize(PublishRequest request, AuthorizeCallback done) {
  loop_.post([this, request = std::move(request), done = std::move(done)]() mutable {
    done(authorize_now(std::move(request)));
  });
}

Result<PublishGrant> Supervisor::authorize_now(PublishRequest request) {
  if (stopped_) {
    return make_error(Code::Unavailable, "the server is shutting down");
  }
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
  if ((it != active_.end() && it->second.has_publisher) || held_elsewhere(stream, unix_now_ms())) {
    return make_error(Code::Conflict, "the stream already has a publisher");
  }
  if (it == active_.end()) {
    if (Status admitted = admit(stream); !admitted.ok()) {
      return admitted.error();
    }
  }
  pending_writes_.erase(stream.stream_id);  // superseded by what happens now
  // A session in another node's reconnect window (released, lease still
  // renewed) is taken over; one left on air by a dead process is ended first.
  const bool in_window = stream.ingest_node.empty() && stream.lease_until_ms &&
                         *stream.lease_until_ms >= unix_now_ms();
  if (it == active_.end() && is_on_air(stream.state) && !in_window) {
    if (auto killed = apply(stream.stream_id, Event::Kill); !killed.ok()) {
      return killed.error();
    }
  }
  auto t = apply(stream.stream_id, Event::Publish);
  if (!t.ok()) {
    return t.error();
  }
  Active& a = active_[stream.stream_id];
  if (t->new_session || !a.sink) {
    // No local sink for a resumed session: another node (or this one before a
    // restart) ran it, and its stored playlists go on.
    const bool take_over = t->resume_session;
    if (take_over) {
      spdlog::info("lifecycle: stream {}: taking over the session in its reconnect window",
                   stream.stream_id);
    }
    a.sink = make_sink_(stream, take_over);
    a.transcoded = stream.quality != media::Quality::Passthrough;
    a.went_live = take_over;
  }
  a.window.reset();  // cancels a pending reconnect deadline
  a.has_publisher = true;
  a.ready = false;  // a resumed session is `connecting` until its own segments are stored
  a.killing = false;
  a.disconnect = std::move(request.disconnect);
  a.token = next_token_++;
  a.key_hash = stream.stream_key_hash;
  a.lease_renewed_ms = unix_now_ms();
  return PublishGrant{.stream_id = stream.stream_id,
                      .edge_id = stream.edge_id,
                      .quality = stream.quality,
                      .resumed = t->resume_session,
                      .token = a.token,
                      .sink = a.sink};
}

Status Supervisor::admit(const store::StreamRecord& stream) {
  if (options_.max_transcodes == 0 || stream.quality == media::Quality::Passthrough) {
    return {};
  }
  auto running = static_cast<size_t>(std::count_if(
      active_.begin(), active_.end(), [](const auto& entry) { return entry.second.transcoded; }));
  if (running < options_.max_transcodes) {
    return {};
  }
  std::string reason = "this node already transcodes " + std::to_string(running) +
                       " streams, its limit (--max-transcodes); publish again later, or use "
                       "passthrough quality";
  spdlog::warn("lifecycle: stream {}: publish refused: {}", stream.stream_id, reason);
  // Shown on the stream until its next publish; on air elsewhere it is left alone.
  if (auto shown = apply(stream.stream_id, Event::Refuse, reason); !shown.ok()) {
    spdlog::info("lifecycle: stream {}: not marked refused: {}", stream.stream_id,
                 shown.error().describe());
  }
  return make_error(Code::ResourceExhausted, reason);
}

void Supervisor::on_segments_ready(const std::string& stream_id) {
  loop_.post([this, stream_id] {
    auto it = active_.find(stream_id);
    if (it == active_.end() || !it->second.has_publisher || it->second.ready) {
      return;
    }
    it->second.ready = true;
    it->second.went_live = true;
    apply_or_retry(stream_id, Event::SegmentsReady);
  });
}

void Supervisor::finish(const std::string& stream_id, Event event, media::EndReason end,
                        const std::string& reason) {
  auto it = active_.find(stream_id);
  if (it == active_.end()) {
    return;
  }
  auto sink = std::move(it->second.sink);
  active_.erase(it);
  bool taken_over = false;
  auto t = apply(stream_id, event, reason, &taken_over);
  if (taken_over) {
    // Another node continues these playlists: no ENDLIST from here.
    spdlog::info("lifecycle: stream {}: another node took the session over", stream_id);
    end = media::EndReason::Abandoned;
  } else if (!t.ok()) {
    remember_failed_write(stream_id, event, reason, t.error());
  }
  if (sink) {
    sink->on_end(end);
  }
  maybe_shutdown_done();
}

// The lease is gone (expired unrenewed, or another node holds the stream now):
// whatever the store says is no longer ours to write, and the playlists may go
// on elsewhere, so the session ends here without ENDLIST.
void Supervisor::give_up(const std::string& stream_id, const std::string& why) {
  auto it = active_.find(stream_id);
  if (it == active_.end()) {
    return;
  }
  spdlog::warn("lifecycle: stream {}: {}; disconnecting the encoder and writing nothing more",
               stream_id, why);
  if (it->second.has_publisher && it->second.disconnect) {
    it->second.lost = true;
    it->second.disconnect();  // on_stopped sees `lost`
    return;
  }
  drop_local(stream_id);
}

void Supervisor::drop_local(const std::string& stream_id) {
  auto it = active_.find(stream_id);
  if (it == active_.end()) {
    return;
  }
  auto sink = std::move(it->second.sink);
  active_.erase(it);
  pending_writes_.erase(stream_id);
  if (sink) {
    sink->on_end(media::EndReason::Abandoned);
  }
  maybe_shutdown_done();
}

void Supervisor::on_stopped(const PublishGrant& grant, media::EndReason reason,
                            const std::string& detail) {
  loop_.post([this, grant, reason, detail] { stopped_now(grant, reason, detail); });
}

void Supervisor::stopped_now(const PublishGrant& grant, media::EndReason reason,
                             const std::string& detail) {
  auto it = active_.find(grant.stream_id);
  if (it == active_.end() || it->second.token != grant.token) {
    return;  // already ended (killed, deleted) or superseded
  }
  Active& a = it->second;
  a.has_publisher = false;
  a.disconnect = nullptr;
  if (a.lost) {
    drop_local(grant.stream_id);
    return;
  }
  if (!a.failure.empty()) {
    // A copy: finish() erases `a` before it records the reason.
    std::string failure = a.failure;
    finish(grant.stream_id, Event::Fail, media::EndReason::Failed, failure);
    return;
  }
  if (a.killing || stopped_) {
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
    case media::EndReason::Abandoned:
      drop_local(grant.stream_id);
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
  apply_or_retry(grant.stream_id, Event::Drop);
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
  timer->timer.expires_after(options_.ended_hold);
  timer->timer.async_wait([this, stream_id](const boost::system::error_code& ec) {
    if (!ec) {
      apply_or_retry(stream_id, Event::HoldExpired);
    }
  });
  holds_[stream_id] = std::move(timer);
}

void Supervisor::kill_session(const std::string& stream_id) {
  loop_.post([this, stream_id] {
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
  });
}

void Supervisor::fail_session(const std::string& stream_id, const std::string& reason) {
  loop_.post([this, stream_id, reason] {
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
  });
}

void Supervisor::shutdown(std::function<void()> done) {
  loop_.post([this, done = std::move(done)]() mutable {
    stopped_ = true;
    watch_timer_.reset();
    holds_.clear();
    shutdown_done_ = std::move(done);
    std::vector<std::string> ids;
    for (auto& [id, a] : active_) {
      ids.push_back(id);
    }
    for (const auto& id : ids) {
      Active& a = active_.at(id);
      if (a.has_publisher && a.disconnect) {
        // Ended when ingest reports the connection closed: only then has the
        // last access unit reached the sink, so ENDLIST follows every frame.
        a.killing = true;
        a.disconnect();
      } else {
        finish(id, Event::Kill, media::EndReason::Killed);
      }
    }
    maybe_shutdown_done();
  });
}

void Supervisor::maybe_shutdown_done() {
  if (shutdown_done_ && active_.empty()) {
    std::exchange(shutdown_done_, nullptr)();
  }
}

void Supervisor::start(std::function<void()> recovered) {
  loop_.post([this, recovered = std::move(recovered)]() mutable {
    recovered_ = std::move(recovered);
    schedule_watch(std::chrono::milliseconds(0));
  });
}

void Supervisor::schedule_watch(std::chrono::milliseconds delay) {
  if (stopped_) {
    return;
  }
  watch_timer_ = std::make_unique<WindowTimer>(loop_.context());
  watch_timer_->timer.expires_after(delay);
  watch_timer_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      watch();
      if (auto recovered = std::exchange(recovered_, nullptr)) {
        recovered();
      }
      schedule_watch(options_.watch_interval);
    }
  });
}

void Supervisor::retry_writes() {
  for (auto it = pending_writes_.begin(); it != pending_writes_.end();) {
    auto t = apply(it->first, it->second.event, it->second.reason);
    bool settled = t.ok() || t.error().code == Code::Conflict || t.error().code == Code::NotFound;
    it = settled ? pending_writes_.erase(it) : std::next(it);
  }
}

void Supervisor::watch() {
  const int64_t now = unix_now_ms();
  auto listed = streams_.list_on_air();
  if (!listed.ok()) {
    // Once per outage, not twice a second while the database is down.
    if (!std::exchange(watch_failing_, true)) {
      spdlog::warn("lifecycle: watching sessions: {}", listed.error().describe());
    }
    // Without the store no lease is renewed: past its term another node may
    // take the stream, so stop writing it.
    std::vector<std::string> expired;
    for (const auto& [id, a] : active_) {
      if (now - a.lease_renewed_ms >= options_.lease.count()) {
        expired.push_back(id);
      }
    }
    for (const auto& id : expired) {
      give_up(id, "the lease could not be renewed (store unreachable)");
    }
    return;
  }
  if (std::exchange(watch_failing_, false)) {
    spdlog::info("lifecycle: watching sessions again");
  }
  retry_writes();
  const bool recovering = std::exchange(first_watch_, false);
  std::map<std::string, bool> seen;
  for (const store::StreamRecord& s : *listed) {
    if (auto it = active_.find(s.stream_id); it != active_.end()) {
      seen[s.stream_id] = true;
      check_local(s, it->second, now);
      continue;
    }
    // Not ours now. It was ours before a restart, or its holder stopped renewing.
    bool ours_before_restart =
        recovering && options_.ingest_role && s.ingest_node == options_.node_id;
    bool expired = !s.lease_until_ms || *s.lease_until_ms < now;
    if (ours_before_restart || expired) {
      abandon(s);
    }
  }
  // Ours here but no longer on air in the store: another node ended it after
  // our lease lapsed (or it was deleted). A write of ours still pending explains it.
  std::vector<std::string> gone;
  for (const auto& [id, a] : active_) {
    if (!seen.contains(id) && !pending_writes_.contains(id)) {
      gone.push_back(id);
    }
  }
  for (const auto& id : gone) {
    give_up(id, "the stream is no longer on air through this node");
  }
}

void Supervisor::check_local(const store::StreamRecord& s, Active& a, int64_t now_ms) {
  if (!s.ingest_node.empty() && s.ingest_node != options_.node_id) {
    give_up(s.stream_id, "node " + s.ingest_node + " holds the stream now");
    return;
  }
  if (!crypto::constant_time_equal(s.stream_key_hash, a.key_hash)) {
    // Rotated through an API that does not run this session (another node).
    spdlog::info("lifecycle: stream {}: key rotated; disconnecting the encoder", s.stream_id);
    kill_session(s.stream_id);
    return;
  }
  if (now_ms - a.lease_renewed_ms < options_.lease.count() / 3) {
    return;
  }
  // In a reconnect window the record names no node (see apply), but the lease is ours.
  const bool windowed = !a.has_publisher;
  auto renewed = streams_.update(s.stream_id, [&](store::StreamRecord& r) -> Status {
    bool ours = r.ingest_node == options_.node_id || (windowed && r.ingest_node.empty());
    if (!ours || !is_on_air(r.state)) {
      return make_error(Code::Conflict, "lease lost");
    }
    r.lease_until_ms = now_ms + options_.lease.count();
    return {};
  });
  if (renewed.ok()) {
    a.lease_renewed_ms = now_ms;
    return;
  }
  if (renewed.error().code == Code::Conflict) {
    give_up(s.stream_id, "the lease was lost");
    return;
  }
  spdlog::warn("lifecycle: stream {}: renewing the lease: {}", s.stream_id,
               renewed.error().describe());
  if (now_ms - a.lease_renewed_ms >= options_.lease.count()) {
    give_up(s.stream_id, "the lease could not be renewed");
  }
}

void Supervisor::abandon(const store::StreamRecord& s) {
  spdlog::info("lifecycle: stream {} was {} on node {} which no longer holds it; ending it",
               s.stream_id, to_string(s.state), s.ingest_node.empty() ? "?" : s.ingest_node);
  if (apply(s.stream_id, Event::Kill).ok() && on_abandoned_) {
    on_abandoned_(s);
  }
}

}  // namespace antcdn::lifecycle
