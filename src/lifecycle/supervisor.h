#pragma once

// Owns the live sessions of every stream: applies the state machine's
// transitions to the store, keeps a dropped session's sink open for the
// reconnect window, and ends sessions on forced rotation or shutdown. Runs on
// the event loop thread only.

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

class Supervisor final : public PublishGate, public SessionControl {
 public:
  // `ended_hold`: how long an ended stream shows `ended` before it is `idle` again.
  Supervisor(net::EventLoop& loop, store::StreamRepository& streams, SinkFactory make_sink,
             std::chrono::seconds ended_hold = std::chrono::seconds(300));
  ~Supervisor() override;

  Result<PublishGrant> authorize(PublishRequest request) override;
  void on_segments_ready(const std::string& stream_id) override;
  void on_stopped(const PublishGrant& grant, media::EndReason reason,
                  const std::string& detail) override;
  void kill_session(const std::string& stream_id) override;
  void fail_session(const std::string& stream_id, const std::string& reason) override;

  // Ends every session (ENDLIST, state `ended`); for SIGTERM.
  void shutdown();
  // After a restart no encoder is attached: streams left `connecting`/`live` end.
  // Returns the streams it ended (their playlists need closing).
  std::vector<store::StreamRecord> recover(const std::vector<store::StreamRecord>& on_air);

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

  net::EventLoop& loop_;
  store::StreamRepository& streams_;
  SinkFactory make_sink_;
  std::map<std::string, Active> active_;
  std::map<std::string, std::unique_ptr<WindowTimer>> holds_;  // ended -> idle timers
  std::chrono::seconds ended_hold_;
  uint64_t next_token_ = 1;
};

}  // namespace antcdn::lifecycle
