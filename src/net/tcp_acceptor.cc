#include "net/tcp_acceptor.h"

#include <algorithm>
#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "common/log_text.h"
#include "common/time_util.h"

namespace antcdn::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Errors that last until something else frees resources: retrying at once
// would spin on a listening socket that stays readable.
bool out_of_resources(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) {
    return false;
  }
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

std::string dropped_note(uint64_t dropped) {
  return dropped > 0 ? fmt::format(" ({} more not logged)", dropped) : std::string();
}

std::string refusal_text(const ConnectionLimiter& limiter, ConnectionLimiter::Refusal why,
                         const std::string& remote) {
  if (why == ConnectionLimiter::Refusal::PerAddress) {
    return fmt::format("{} already has {} connections (per-address limit)", remote,
                       limiter.limits().max_per_address);
  }
  return fmt::format("{} connections open (limit)", limiter.limits().max_total);
}

}  // namespace

Result<uint16_t> listen_on(tcp::acceptor& acceptor, const std::string& host, uint16_t port,
                           const std::string& name) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    return make_error(Code::InvalidArgument, name + ": bad listen address " + host);
  }
  tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return make_error(Code::Unavailable, name + ": cannot listen on " + host + ":" +
                                             std::to_string(port) + ": " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, ConnectionLimiter& limiter,
                                         AcceptLoopOptions options, SocketExecutor socket_executor,
                                         AcceptHandler on_accept) {
  asio::steady_timer backoff_timer(co_await asio::this_coro::executor);
  auto backoff = options.min_backoff;
  // One line a second for each kind of trouble (the loop is one coroutine: no locking).
  LogThrottle log(1, 1000);
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(socket_executor(), kNoThrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
        break;
      }
      const bool starved = out_of_resources(ec);
      if (auto dropped = log.admit(starved ? "starved" : "failed", unix_now_ms())) {
        spdlog::warn("{}: accept failed: {}{}{}", options.name, ec.message(),
                     starved ? "; waiting for descriptors to be freed" : "",
                     dropped_note(*dropped));
      }
      if (starved) {
        backoff_timer.expires_after(backoff);
        co_await backoff_timer.async_wait(kNoThrow);
        backoff = std::min(backoff * 2, options.max_backoff);
      }
      continue;
    }
    backoff = options.min_backoff;
    boost::system::error_code peer_ec;
    auto peer = socket.remote_endpoint(peer_ec);
    if (peer_ec) {
      continue;  // already gone (reset before we got to it); the socket closes here
    }
    std::string remote = peer.address().to_string();
    auto admission = limiter.admit(remote);
    if (!admission.admitted()) {
      if (auto dropped = log.admit("refused", unix_now_ms())) {
        spdlog::warn("{}: refused a connection: {}{}", options.name,
                     refusal_text(limiter, admission.refusal, remote), dropped_note(*dropped));
      }
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    on_accept(std::move(socket), std::move(remote), std::move(admission.ticket));
  }
}

}  // namespace antcdn::net
