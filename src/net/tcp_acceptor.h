#pragma once

// Opening a listening socket and the accept loop, shared by the HTTP and RTMP
// listeners. Included only by I/O translation units.

#include <chrono>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/result.h"
#include "net/connection_limiter.h"

namespace antcdn::net {

// Opens, binds (SO_REUSEADDR) and listens; returns the bound port.
Result<uint16_t> listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                           uint16_t port, const std::string& name);

struct AcceptLoopOptions {
  std::string name;  // for log lines, e.g. "ingest.rtmp"
  // Out of descriptors (EMFILE, ENFILE) or kernel memory: wait this long, doubling
  // up to the maximum while it lasts, instead of retrying at once (which spins:
  // the pending connection keeps the listening socket readable).
  std::chrono::milliseconds min_backoff{10};
  std::chrono::milliseconds max_backoff{500};
};

// Where each accepted socket's I/O runs (e.g. a new strand per connection).
using SocketExecutor = std::function<boost::asio::any_io_executor()>;
// Takes an admitted connection; `ticket` holds its slot until destroyed.
using AcceptHandler = std::function<void(boost::asio::ip::tcp::socket socket, std::string remote,
                                         ConnectionLimiter::Ticket ticket)>;

// Accepts until `acceptor` is closed. Connections `limiter` refuses are closed
// at once. Failures are logged at most once a second, with how many were not.
// `acceptor` and `limiter` must outlive the loop (the caller's coroutine owns them).
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor,
                                                ConnectionLimiter& limiter,
                                                AcceptLoopOptions options,
                                                SocketExecutor socket_executor,
                                                AcceptHandler on_accept);

}  // namespace antcdn::net
