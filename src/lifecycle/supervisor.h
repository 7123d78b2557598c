#pragma once

// Owns the live sessions of every stream: applies the state machine's
// transitions to the store, keeps a dropped session's sink open for the
// reconnect window, and ends sessions on forced rotation or shutdown.
//
// Threads: everything runs on the supervisor's own loop (a control loop, which
// may block on the store); the public methods may be called from any thread
// and post there. Ingest's event loop never waits for the database.
//
// Several nodes may share one store. A node that takes a publish holds the
// stream's lease (ingest_node, lease_until_ms in the record) and renews it
// while the session lasts; no other node changes that stream's state until the
// lease has expired. During a reconnect window the record names no node, so
// an encoder that comes back through another ingest node is taken over there:
// the same playlists go on after a discontinuity, and this node, seeing the
// other holder, ends its side without writing. A periodic watch over the on-air streams (a)
// disconnects a local encoder whose key was rotated through another node's API, (b) renews this
// node's leases, (c) gives up a session whose lease this node cannot renew or another node now
// holds (the encoder is disconnected and nothing more is written, within one lease period), and (d)
// ends sessions whose holder stopped renewing (a dead node), including, at start-up, this node's
// own sessions from before a restart. A state write that fails is retried by
// the watch until it lands or is overtaken.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "lifecycle/publish_gate.h"
#include "lifecycle/session_control.h"
#include "lifecycle/state_machine.h"
#include "net/event_loop.h"
#include "store/repositories.h"

namespace antcdn::lifecycle {

// Builds the per-session media pipeline (transcoder/packager) for a stream;
// `continue_stored`: a session taken over from another node, whose stored
// playlists go on (after a discontinuity) instead of starting afresh. Runs on
// the supervisor's loop, which may block.
using SinkFactory = std::function<std::shared_ptr<media::AccessUnitSink>(
    const store::StreamRecord& stream, bool continue_stored)>;
// Called after the watch ended a session that no live node held (its playlists
// need closing). Runs on the supervisor's loop: hand slow work elsewhere.
using AbandonedHandler = std::function<void(const store::StreamRecord& stream)>;

struct SupervisorOptions {
  std::chrono::seconds ended_hold{300};  // how long `ended` shows before `idle`
  std::string node_id = "local";         // unique among the nodes sharing the store
  bool ingest_role = true;               // only an ingest node can own sessions after a restart
  std::chrono::milliseconds lease{10000};
  std::chrono::milliseconds watch_interval{500};
  // Admission: transcoded (non-passthrough) sessions this node runs at once,
  // counting those held in a reconnect window; a publish beyond it is refused
  // and the stream shows `error`. 0: no limit.
  size_t max_transcodes = 0;
};

class Supervisor final : public PublishGate, public SessionControl {
 public:
  // `loop` is the supervisor's own (LoopKind::Control): store calls run on it.
  Supervisor(net::EventLoop& loop, store::StreamRepository& streams, SinkFactory make_sink,
             SupervisorOptions options = {}, AbandonedHandler on_abandoned = {});
  ~Supervisor() override;

  void authorize(PublishRequest request, AuthorizeCallback done) override;
  void on_segments_ready(const std::string& stream_id) override;
  void on_stopped(const PublishGrant& grant, media::EndReason reason,
                  const std::string& detail) override;
  void kill_session(const std::string& stream_id) override;
  void fail_session(const std::string& stream_id, const std::string& reason) override;

  // Starts the watch; its first pass runs at once (restart recovery) and
  // `recovered` runs on the supervisor's loop when it has finished, whether
  // the store answered or not.
  void start(std::function<void()> recovered = {});
  // Stops the watch and ends every session (ENDLIST, state `ended`): encoders
  // are disconnected and their sessions end as they report back. `done` runs
  // on the supervisor's loop once no session is left; for SIGTERM.
  void shutdown(std::function<void()> done);

  // Supervisor's loop only (tests).
  size_t active_sessions() const { return active_.size(); }

 private:
  struct WindowTimer;
  struct Active {
    std::shared_ptr<media::AccessUnitSink> sink;
    std::function<void()> disconnect;
    bool has_publisher = false;
    bool went_live = false;  // this session was live once: a drop is a reconnect
    bool ready = false;      // the current publish's segments are at the edge
    bool killing = false;
    bool transcoded = false;  // counts against max_transcodes
    bool lost = false;        // the lease is gone: end here without touching the store
    std::string failure;      // set by fail_session while the encoder is being disconnected
    uint64_t token = 0;
    crypto::Sha256 key_hash{};  // the key it was authorized with
    int64_t lease_renewed_ms = 0;
    std::unique_ptr<WindowTimer> window;
    ~Active();
    Active();
    Active(Active&&) noexcept;
  };
  // A state write that failed for want of a store, retried by the watch.
  struct PendingWrite {
    Event event = Event::Kill;
    std::string reason;
  };

  Result<PublishGrant> authorize_now(PublishRequest request);
  // ResourceExhausted (and the stream shown in `error`) when a new local
  // session of `stream` would pass max_transcodes.
  Status admit(const store::StreamRecord& stream);
  void stopped_now(const PublishGrant& grant, media::EndReason reason, const std::string& detail);
  // Applies `event` to the stored stream; returns the transition taken.
  // `taken_over` is set when another node holds the stream now.
  Result<Transition> apply(const std::string& stream_id, Event event,
                           const std::string& reason = {}, bool* taken_over = nullptr);
  void remember_failed_write(const std::string& stream_id, Event event, const std::string& reason,
                             const Error& error);
  // apply(), and on a store failure remember the write for the watch to retry.
  void apply_or_retry(const std::string& stream_id, Event event, const std::string& reason = {});
  void finish(const std::string& stream_id, Event event, media::EndReason end,
              const std::string& reason = {});
  void give_up(const std::string& stream_id, const std::string& why);
  void drop_local(const std::string& stream_id);
  void start_window(const std::string& stream_id, int seconds);
  void start_hold(const std::string& stream_id);
  bool held_elsewhere(const store::StreamRecord& s, int64_t now_ms) const;
  void schedule_watch(std::chrono::milliseconds delay);
  void watch();
  void retry_writes();
  void check_local(const store::StreamRecord& s, Active& a, int64_t now_ms);
  void abandon(const store::StreamRecord& s);
  void maybe_shutdown_done();

  net::EventLoop& loop_;
  store::StreamRepository& streams_;
  SinkFactory make_sink_;
  const SupervisorOptions options_;
  AbandonedHandler on_abandoned_;
  std::map<std::string, Active> active_;
  std::map<std::string, std::unique_ptr<WindowTimer>> holds_;  // ended -> idle timers
  std::map<std::string, PendingWrite> pending_writes_;
  std::unique_ptr<WindowTimer> watch_timer_;
  std::function<void()> shutdown_done_;
  std::function<void()> recovered_;
  bool first_watch_ = true;
  bool watch_failing_ = false;
  bool stopped_ = false;
  uint64_t next_token_ = 1;
};

}  // namespace antcdn::lifecycle
