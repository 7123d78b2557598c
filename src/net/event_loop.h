#pragma once

// The process's Asio io_context behind a narrow interface, so that only the I/O
// translation units include Asio.
//
// An event loop (the default) carries sockets and timers and must never block:
// its threads are marked for assert_may_block(). A control loop (may_block)
// serialises work that is allowed to wait on the database, like the lifecycle
// supervisor's; it is never given sockets.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}  // namespace boost::asio
namespace antcdn::metrics {
class Histogram;
}  // namespace antcdn::metrics

namespace antcdn::net {

enum class LoopKind { Event, Control };

class EventLoop {
 public:
  explicit EventLoop(std::string name = "loop", LoopKind kind = LoopKind::Event);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& context();
  const std::string& name() const;

  // Calls `handler` once on the loop when SIGINT or SIGTERM arrives.
  void on_shutdown_signal(std::function<void()> handler);
  // Runs handlers on `threads` threads until stop() (blocks the caller, which is one of them).
  void run(int threads);
  void stop();
  // Callable from any thread.
  void post(std::function<void()> fn);

  // Measures how late a timer fires every `interval` (how long the loop was
  // busy): the worst lateness since start, and each one in `lateness` (seconds)
  // when given. Starts with the first call.
  void start_latency_probe(std::chrono::milliseconds interval,
                           metrics::Histogram* lateness = nullptr);
  std::chrono::microseconds worst_latency() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace antcdn::net
