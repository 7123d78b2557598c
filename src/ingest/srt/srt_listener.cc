#include "ingest/srt/srt_listener.h"

#include <array>
#include <atomic>
#include <list>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <srt/srt.h>

#include "ingest/srt/srt_session.h"

namespace antcdn::ingest::srt {
namespace {

constexpr int kAcceptPollMs = 200;  // how soon the accept thread sees stop()

std::string address_text(const sockaddr_storage& address) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &a6.sin6_addr, text.data(), text.size());
  } else {
    const auto& a4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &a4.sin_addr, text.data(), text.size());
  }
  return text.data();
}

std::string srt_error_text() {
  return srt_getlasterror_str();
}

}  // namespace

struct SrtListener::Impl {
  struct Running {
    std::thread thread;
    std::atomic<bool> done{false};
    SRTSOCKET socket = SRT_INVALID_SOCK;
  };

  Impl(SrtOptions o, lifecycle::PublishGate& g)
      : options(std::move(o)), gate(g), limiter(options.max_failed_keys, 60000) {}

  SrtOptions options;
  lifecycle::PublishGate& gate;
  rtmp::AuthLimiter limiter;
  std::mutex limiter_mutex;
  SRTSOCKET listener = SRT_INVALID_SOCK;
  int poll = -1;
  std::atomic<bool> stopping{false};
  std::thread acceptor;
  std::mutex sessions_mutex;
  std::list<Running> sessions;
  uint64_t next_id = 1;

  void accept_loop();
  void start_session(SRTSOCKET socket, std::string remote);
  void reap_finished();
};

void SrtListener::Impl::reap_finished() {
  std::lock_guard lock(sessions_mutex);
  for (auto it = sessions.begin(); it != sessions.end();) {
    if (it->done) {
      it->thread.join();
      it = sessions.erase(it);
    } else {
      ++it;
    }
  }
}

void SrtListener::Impl::start_session(SRTSOCKET socket, std::string remote) {
  std::lock_guard lock(sessions_mutex);
  if (sessions.size() >= options.max_connections) {
    spdlog::warn("ingest.srt: {} connections open; refusing {}", sessions.size(), remote);
    srt_close(socket);
    return;
  }
  Running& r = sessions.emplace_back();
  r.socket = socket;
  uint64_t id = next_id++;
  r.thread = std::thread([this, &r, socket, remote = std::move(remote), id] {
    SrtSessionContext context{options, gate, limiter, limiter_mutex};
    run_srt_session(socket, remote, id, context);
    r.done = true;
  });
}

void SrtListener::Impl::accept_loop() {
  while (!stopping) {
    std::array<SRTSOCKET, 1> ready{};
    int ready_count = 1;
    int n = srt_epoll_wait(poll, ready.data(), &ready_count, nullptr, nullptr, kAcceptPollMs,
                           nullptr, nullptr, nullptr, nullptr);
    reap_finished();
    if (n <= 0 || stopping) {
      continue;
    }
    sockaddr_storage address{};
    int length = sizeof(address);
    SRTSOCKET socket = srt_accept(listener, reinterpret_cast<sockaddr*>(&address), &length);
    if (socket == SRT_INVALID_SOCK) {
      continue;
    }
    start_session(socket, address_text(address));
  }
}

SrtListener::SrtListener(SrtOptions options, lifecycle::PublishGate& gate)
    : impl_(std::make_unique<Impl>(std::move(options), gate)) {}

SrtListener::~SrtListener() {
  stop();
  if (impl_->acceptor.joinable()) {
    impl_->acceptor.join();
  }
  {
    std::lock_guard lock(impl_->sessions_mutex);
    for (auto& r : impl_->sessions) {
      srt_close(r.socket);  // the blocked read returns; the session reports its end
    }
  }
  for (auto& r : impl_->sessions) {
    r.thread.join();
  }
  if (impl_->poll >= 0) {
    srt_epoll_release(impl_->poll);
  }
  srt_cleanup();
}

Result<uint16_t> SrtListener::start() {
  srt_startup();
  Impl& l = *impl_;
  sockaddr_storage address{};
  int length = 0;
  if (inet_pton(AF_INET, l.options.host.c_str(),
                &reinterpret_cast<sockaddr_in&>(address).sin_addr) == 1) {
    auto& a4 = reinterpret_cast<sockaddr_in&>(address);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(l.options.port);
    length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, l.options.host.c_str(),
                       &reinterpret_cast<sockaddr_in6&>(address).sin6_addr) == 1) {
    auto& a6 = reinterpret_cast<sockaddr_in6&>(address);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(l.options.port);
    length = sizeof(sockaddr_in6);
  } else {
    return make_error(Code::InvalidArgument,
                      "--srt-listen: '" + l.options.host + "' is not an IP address");
  }
  l.listener = srt_create_socket();
  bool blocking = false;  // accept only when epoll says a caller is waiting
  int latency = l.options.latency_ms;
  srt_setsockflag(l.listener, SRTO_RCVSYN, &blocking, sizeof(blocking));
  srt_setsockflag(l.listener, SRTO_RCVLATENCY, &latency, sizeof(latency));
  if (srt_bind(l.listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      srt_listen(l.listener, 64) != 0) {
    return make_error(Code::Unavailable, "srt: cannot listen on " + l.options.host + ":" +
                                             std::to_string(l.options.port) + ": " +
                                             srt_error_text());
  }
  sockaddr_storage bound{};
  int bound_length = sizeof(bound);
  srt_getsockname(l.listener, reinterpret_cast<sockaddr*>(&bound), &bound_length);
  uint16_t port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                        : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  l.poll = srt_epoll_create();
  int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;
  srt_epoll_add_usock(l.poll, l.listener, &events);
  l.acceptor = std::thread([&l] { l.accept_loop(); });
  return port;
}

// Called on the ingest loop at shutdown: it only flags and closes (libsrt's
// calls are thread-safe); the destructor joins.
void SrtListener::stop() {
  Impl& l = *impl_;
  if (l.stopping.exchange(true)) {
    return;
  }
  if (l.listener != SRT_INVALID_SOCK) {
    srt_close(l.listener);
  }
}

}  // namespace antcdn::ingest::srt
