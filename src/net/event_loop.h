#pragma once

// The process's Asio io_context behind a narrow interface, so that only the I/O
// translation units include Asio.

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace antcdn::net {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& context();

  // Calls `handler` once on the loop when SIGINT or SIGTERM arrives.
  void on_shutdown_signal(std::function<void()> handler);
  // Runs handlers on `threads` threads until stop() (blocks the caller, which is one of them).
  void run(int threads);
  void stop();
  void post(std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace antcdn::net
