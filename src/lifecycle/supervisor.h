#pragma once

// Owns the live sessions of every stream: applies the state machine's
// transitions to the store, keeps a dropped session's sink open for the
// reconnect window, and ends sessions on forced rotation or shutdown. Runs on
// the event loop thread only.
//
// Several nodes may share one store. A node that takes a publish holds the
// stream's lease (ingest_node, lease_until_ms in the record) and renews it
// while the session lasts; no other node changes that stream's state until the
// lease has expired. A periodic watch over the on-air streams (a) disconnects a
// local encoder whose key was rotated or whose stream was taken over through
// another node's API, (b) renews this node's leases, and (c) ends sessions whose
// holder stopped renewing (a dead node), including, at start-up, this node's
// own sessions from before a restart.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "lifecycle/publish_gate.h"
#include "lifecycle/session_control.h"
#include "net/event_loop.h"
#include "store/repositories.h"

namespace antcdn::lifecycle {

// Builds the per-session media pipeline (transcoder/packager) for a stream.
using SinkFactory =
    std::function<std::shared_ptr<media::AccessUnitSink>(const store::StreamRecord& stream)>;
// Called after the watch ended a session that no live node held (its playlists
// need closing).
using AbandonedHandler = std::function<void(const store::StreamRecord& stream)>;

struct SupervisorOptions {
  std::chrono::seconds ended_hold{300};  // how long `ended` shows before `idle`
  std::string node_id = "local";         // unique among the nodes sharing the store
  bool ingest_role = true;               // only an ingest node can own sessions after a restart
  std::chrono::milliseconds lease{10000};
  std::chrono::milliseconds watch_interval{500};
};

class Supervisor final : public PublishGate, public SessionControl {
 public:
  Supervisor(net::EventLoop& loop, store::StreamRepository& streams, SinkFactory make_sink,
             SupervisorOptions options = {}, AbandonedHandler on_abandoned = {});
  ~Supervisor() override;

  Result<PublishGrant> authorize(PublishRequest request) override;
  void on_segments_ready(const std::string& stream_id) override;
  void on_stopped(const PublishGrant& grant, media::EndReason reason,
                  const std::string& detail) override;
  void kill_session(const std::string& stream_id) override;
  void fail_session(const std::string& stream_id, const std::string& reason) override;

  // Starts the watch; its first pass runs at once (restart recovery).
  void start();
  // Stops the watch and ends every session (ENDLIST, state `ended`); for SIGTERM.
  void shutdown();

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
    std::string failure;  // set by fail_session while the encoder is being disconnected
    uint64_t token = 0;
    crypto::Sha256 key_hash{};  // the key it was authorized with
    int64_t lease_renewed_ms = 0;
    std::unique_ptr<WindowTimer> window;
    ~Active();
    Active();
    Active(Active&&) noexcept;
  };

  // Applies `event` to the stored stream; returns the transition taken.
  Result<Transition> apply(const std::string& stream_id, Event event,
                           const std::string& reason = {});
  void finish(const std::string& stream_id, Event event, media::EndReason end,
              const std::string& reason = {});
  void start_window(const std::string& stream_id, int seconds);
  void start_hold(const std::string& stream_id);
  bool held_elsewhere(const store::StreamRecord& s, int64_t now_ms) const;
  void schedule_watch(std::chrono::milliseconds delay);
  void watch();
  void check_local(const store::StreamRecord& s, Active& a, int64_t now_ms);
  void abandon(const store::StreamRecord& s);

  net::EventLoop& loop_;
  store::StreamRepository& streams_;
  SinkFactory make_sink_;
  const SupervisorOptions options_;
  AbandonedHandler on_abandoned_;
  std::map<std::string, Active> active_;
  std::map<std::string, std::unique_ptr<WindowTimer>> holds_;  // ended -> idle timers
  std::unique_ptr<WindowTimer> watch_timer_;
  bool first_watch_ = true;
  bool watch_failing_ = false;
  bool stopped_ = false;
  uint64_t next_token_ = 1;
};

}  // namespace antcdn::lifecycle
