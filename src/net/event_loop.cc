#include "net/event_loop.h"

#include <csignal>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

namespace antcdn::net {

struct EventLoop::Impl {
  boost::asio::io_context io;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() = default;

boost::asio::io_context& EventLoop::context() {
  return impl_->io;
}

void EventLoop::on_shutdown_signal(std::function<void()> handler) {
  impl_->signals.async_wait(
      [handler = std::move(handler)](const boost::system::error_code& ec, int /*signal*/) {
        if (!ec) {
          handler();
        }
      });
}

void EventLoop::run(int threads) {
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) {
    extra.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (auto& t : extra) {
    t.join();
  }
}

void EventLoop::stop() {
  impl_->io.stop();
}

void EventLoop::post(std::function<void()> fn) {
  boost::asio::post(impl_->io, std::move(fn));
}

}  // namespace antcdn::net
