#include "net/event_loop.h"

#include <atomic>
#include <csignal>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "common/blocking.h"
#include "metrics/histogram.h"

namespace antcdn::net {
namespace {

constexpr int64_t kReportLateUs = 10000;

}  // namespace

struct EventLoop::Impl {
  Impl(std::string n, LoopKind k) : name(std::move(n)), kind(k) {}
  std::string name;
  LoopKind kind;
  boost::asio::io_context io;
  // run() returns on stop() only, not when the loop happens to be idle (a
  // control loop between timers, a loop whose listener closed at shutdown).
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  std::unique_ptr<boost::asio::steady_timer> probe;
  std::chrono::milliseconds probe_interval{0};
  metrics::Histogram* lateness = nullptr;
  std::atomic<int64_t> worst_us{0};

  void arm_probe() {
    auto due = std::chrono::steady_clock::now() + probe_interval;
    probe->expires_at(due);
    probe->async_wait([this, due](const boost::system::error_code& ec) {
      if (ec) {
        return;
      }
      auto late = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - due)
                      .count();
      if (lateness != nullptr) {
        lateness->observe(static_cast<double>(late) / 1e6);
      }
      if (late > worst_us.load()) {
        worst_us.store(late);
      }
      if (late >= kReportLateUs) {
        // With the time, to match against the log (bench/loop_latency.sh).
        spdlog::debug("{} loop: a timer fired {} ms late", name, late / 1000.0);
      }
      arm_probe();
    });
  }
};

EventLoop::EventLoop(std::string name, LoopKind kind)
    : impl_(std::make_unique<Impl>(std::move(name), kind)) {}
EventLoop::~EventLoop() = default;

boost::asio::io_context& EventLoop::context() {
  return impl_->io;
}

const std::string& EventLoop::name() const {
  return impl_->name;
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
  const bool is_event_loop = impl_->kind == LoopKind::Event;
  auto body = [this, is_event_loop] {
    mark_event_loop_thread(is_event_loop);
    impl_->io.run();
    mark_event_loop_thread(false);
  };
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) {
    extra.emplace_back(body);
  }
  body();
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

void EventLoop::start_latency_probe(std::chrono::milliseconds interval,
                                    metrics::Histogram* lateness) {
  post([this, interval, lateness] {
    if (impl_->probe) {
      return;
    }
    impl_->probe_interval = interval;
    impl_->lateness = lateness;
    impl_->probe = std::make_unique<boost::asio::steady_timer>(impl_->io);
    impl_->arm_probe();
  });
}

std::chrono::microseconds EventLoop::worst_latency() const {
  return std::chrono::microseconds(impl_->worst_us.load());
}

}  // namespace antcdn::net
