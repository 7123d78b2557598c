#include "net/http_server.h"

#include <cctype>
#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#include <spdlog/spdlog.h>

#include "net/connection_limiter.h"
#include "net/tcp_acceptor.h"

namespace antcdn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Awaitable = asio::awaitable<void>;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// For a protocol error's short answer before the connection closes.
constexpr std::chrono::seconds kErrorWriteTimeout{5};

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, HttpServerOptions o, HttpHandler h, HttpErrorRenderer r)
      : io(io),
        options(std::move(o)),
        handler(std::move(h)),
        render_error(std::move(r)),
        acceptor(io),
        limiter({.max_total = options.max_connections,
                 .max_per_address = options.max_connections_per_address}) {}

  asio::io_context& io;
  HttpServerOptions options;
  HttpHandler handler;
  HttpErrorRenderer render_error;
  tcp::acceptor acceptor;
  ConnectionLimiter limiter;
};

namespace {

HttpRequest to_request(const http::request<http::string_body>& r, std::string remote) {
  HttpRequest out;
  out.method = std::string(r.method_string());
  out.target = std::string(r.target());
  for (const auto& field : r) {
    std::string name(field.name_string());
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = r.body();
  out.remote_address = std::move(remote);
  return out;
}

// Writes `msg` one write at a time, each of which must make progress within
// `timeout`: a slow reader gets a whole segment as long as it keeps reading,
// and a stalled one is cut off (tcp_stream closes the socket on expiry).
template <class Message>
asio::awaitable<beast::error_code> write_with_progress(beast::tcp_stream& stream, Message& msg,
                                                       std::chrono::milliseconds timeout) {
  http::serializer<false, typename Message::body_type, typename Message::fields_type> sr(msg);
  while (!sr.is_done()) {
    stream.expires_after(timeout);
    auto [ec, n] = co_await http::async_write_some(stream, sr, kNoThrow);
    if (ec) {
      co_return ec;
    }
  }
  co_return beast::error_code{};
}

// The status line and headers of `res`.
template <class Message>
void set_head(Message& msg, const HttpResponse& res, unsigned version) {
  msg.version(version);
  msg.result(static_cast<unsigned>(res.status));
  msg.set(http::field::server, "antcdn");
  for (const auto& [k, v] : res.headers) {
    msg.set(k, v);
  }
}

// Writes `res`; HEAD answers carry the full Content-Length but no body.
asio::awaitable<beast::error_code> write_response(beast::tcp_stream& stream, HttpResponse res,
                                                  bool keep_alive, unsigned version,
                                                  std::chrono::milliseconds timeout) {
  auto fill = [&](auto& msg) {
    set_head(msg, res, version);
    msg.keep_alive(keep_alive);
  };
  if (res.omit_body) {
    http::response<http::empty_body> msg;
    fill(msg);
    msg.content_length(res.body_size());
    co_return co_await write_with_progress(stream, msg, timeout);
  }
  if (res.shared_body) {
    // Written straight from the shared bytes, which `res` keeps alive.
    http::response<http::span_body<const char>> msg;
    fill(msg);
    ByteSpan part = res.shared_span();
    msg.body() = boost::span<const char>(reinterpret_cast<const char*>(part.data()), part.size());
    msg.prepare_payload();
    co_return co_await write_with_progress(stream, msg, timeout);
  }
  http::response<http::string_body> msg;
  fill(msg);
  msg.body() = std::move(res.body);
  msg.prepare_payload();
  co_return co_await write_with_progress(stream, msg, timeout);
}

// Writes the headers of `res`, then its stream's bytes as producers queue them
// (one chunk per batch), until the stream closes or the client goes. Waiting
// is a timer the producers' wake-up cancels (posted to this connection's
// strand, so a wake-up between take() and the wait is never lost).
asio::awaitable<void> write_streamed(beast::tcp_stream& stream, HttpResponse res, unsigned version,
                                     std::chrono::milliseconds timeout) {
  std::shared_ptr<ResponseStream> body = std::move(res.stream);
  auto ex = stream.get_executor();
  auto ready = std::make_shared<asio::steady_timer>(ex);
  ready->expires_at(asio::steady_timer::time_point::max());
  body->on_ready([weak = std::weak_ptr<asio::steady_timer>(ready), ex] {
    asio::post(ex, [weak] {
      if (auto timer = weak.lock()) {
        timer->cancel();
      }
    });
  });
  http::response<http::empty_body> msg;
  set_head(msg, res, version);
  msg.keep_alive(false);
  const bool chunked = version >= 11;
  msg.chunked(chunked);
  http::response_serializer<http::empty_body> sr(msg);
  stream.expires_after(timeout);
  auto [ec, unused] = co_await http::async_write_header(stream, sr, kNoThrow);
  while (!ec) {
    // Idle between writes: a pending expiry would fail the next write at once.
    stream.expires_never();
    auto taken = body->take();
    if (!taken.bytes.empty()) {
      stream.expires_after(timeout);
      if (chunked) {
        std::tie(ec, unused) = co_await asio::async_write(
            stream, http::make_chunk(asio::buffer(taken.bytes)), kNoThrow);
      } else {
        std::tie(ec, unused) =
            co_await asio::async_write(stream, asio::buffer(taken.bytes), kNoThrow);
      }
      continue;  // more may have come while writing
    }
    if (taken.closed) {
      if (chunked) {
        stream.expires_after(timeout);
        std::tie(ec, unused) =
            co_await asio::async_write(stream, http::make_chunk_last(), kNoThrow);
      }
      break;
    }
    co_await ready->async_wait(kNoThrow);
    ready->expires_at(asio::steady_timer::time_point::max());
  }
  body->abandon();
}

// A piece asked of a BodySource, handed over from whichever thread read it;
// the timer doubles as the event the connection waits on (as PendingAnswer).
struct PendingPiece {
  explicit PendingPiece(const asio::any_io_executor& ex) : ready(ex) {}
  asio::steady_timer ready;
  std::mutex mutex;
  std::optional<Result<Bytes>> piece;
};

std::shared_ptr<PendingPiece> ask_piece(BodySource& source, const asio::any_io_executor& ex,
                                        std::chrono::milliseconds timeout) {
  auto pending = std::make_shared<PendingPiece>(ex);
  pending->ready.expires_after(timeout);
  source.next([pending, ex](Result<Bytes> piece) {
    {
      std::lock_guard lock(pending->mutex);
      pending->piece = std::move(piece);
    }
    asio::post(ex, [pending] { pending->ready.cancel(); });
  });
  return pending;
}

asio::awaitable<Result<Bytes>> await_piece(std::shared_ptr<PendingPiece> pending) {
  bool ready = false;
  {
    std::lock_guard lock(pending->mutex);
    ready = pending->piece.has_value();
  }
  if (!ready) {
    co_await pending->ready.async_wait(kNoThrow);
  }
  std::lock_guard lock(pending->mutex);
  if (!pending->piece) {
    co_return make_error(Code::Unavailable, "the body's next piece did not come in time");
  }
  co_return std::move(*pending->piece);
}

// Writes the headers of `res` (Content-Length: the source's length), then the
// source's pieces. The next piece is read while the current one is written:
// at most two in memory, and a client that reads slowly slows the reads. A
// piece that fails (or does not come within `timeout`) ends the connection.
asio::awaitable<beast::error_code> write_sourced(beast::tcp_stream& stream, HttpResponse res,
                                                 bool keep_alive, unsigned version,
                                                 std::chrono::milliseconds timeout) {
  std::shared_ptr<BodySource> source = std::move(res.source);
  const uint64_t length = source->length();
  auto ex = stream.get_executor();
  // The first piece is read while the headers go out.
  std::shared_ptr<PendingPiece> pending = length > 0 ? ask_piece(*source, ex, timeout) : nullptr;
  http::response<http::empty_body> msg;
  set_head(msg, res, version);
  msg.content_length(length);
  msg.keep_alive(keep_alive);
  http::response_serializer<http::empty_body> sr(msg);
  stream.expires_after(timeout);
  auto [ec, unused] = co_await http::async_write_header(stream, sr, kNoThrow);
  uint64_t sent = 0;
  while (!ec && sent < length) {
    // Idle while the piece is read: a pending expiry would fail the next write at once.
    stream.expires_never();
    Result<Bytes> piece = co_await await_piece(pending);
    if (!piece.ok() || piece->empty() || piece->size() > length - sent) {
      spdlog::debug("response body cut short after {} of {} bytes: {}", sent, length,
                    piece.ok() ? "a piece of the wrong size" : piece.error().describe());
      co_return beast::error_code(asio::error::connection_aborted);
    }
    sent += piece->size();
    pending = sent < length ? ask_piece(*source, ex, timeout) : nullptr;
    stream.expires_after(timeout);
    std::tie(ec, unused) =
        co_await asio::async_write(stream, asio::buffer(piece->data(), piece->size()), kNoThrow);
  }
  co_return ec;
}

// Maps a read failure to the answer a client deserves (or none: just close).
std::optional<HttpResponse> answer_for_read_error(const HttpServer::Impl& s, beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return s.render_error(413, "payload_too_large", "request body is larger than the limit");
  }
  if (ec == http::error::header_limit) {
    return s.render_error(431, "headers_too_large", "request headers are larger than the limit");
  }
  // A timeout has already closed the socket (tcp_stream does that), so a slow
  // client is simply dropped, as nginx does.
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return std::nullopt;  // the client went away
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    return s.render_error(400, "bad_request", "malformed HTTP request");
  }
  return std::nullopt;  // socket error: nobody to answer
}

// The handler's answer, handed over from whichever thread produced it; the
// timer doubles as the event the connection waits on.
struct PendingAnswer {
  explicit PendingAnswer(const asio::any_io_executor& ex) : ready(ex) {}
  asio::steady_timer ready;
  std::mutex mutex;
  std::optional<HttpResponse> response;
  bool taken = false;  // answered or timed out: later answers are dropped
};

asio::awaitable<HttpResponse> answer(HttpServer::Impl& s, HttpRequest req,
                                     asio::any_io_executor ex) {
  auto pending = std::make_shared<PendingAnswer>(ex);
  auto timeout = s.options.handler_timeout;
  if (timeout.count() > 0) {
    pending->ready.expires_after(timeout);
  } else {
    pending->ready.expires_at(asio::steady_timer::time_point::max());
  }
  HttpRespond respond = [pending, ex](HttpResponse r) {
    {
      std::lock_guard lock(pending->mutex);
      if (pending->taken || pending->response) {
        return;
      }
      pending->response = std::move(r);
    }
    asio::post(ex, [pending] { pending->ready.cancel(); });
  };
  try {
    s.handler(std::move(req), respond);
  } catch (const std::exception& e) {
    spdlog::error("{}: handler failed: {}", s.options.name, e.what());
    respond(s.render_error(500, "internal", "internal error"));
  }
  bool answered = false;
  {
    std::lock_guard lock(pending->mutex);
    answered = pending->response.has_value();
  }
  if (!answered) {
    co_await pending->ready.async_wait(kNoThrow);
  }
  std::lock_guard lock(pending->mutex);
  pending->taken = true;
  if (pending->response) {
    co_return std::move(*pending->response);
  }
  spdlog::warn("{}: no answer within {} ms; 503", s.options.name, timeout.count());
  HttpResponse res = s.render_error(503, "unavailable", "the service is busy; retry shortly");
  res.set("Retry-After", "1");
  co_return res;
}

// `ticket` holds the connection's slot until the coroutine ends.
Awaitable serve_connection(std::shared_ptr<HttpServer::Impl> s, tcp::socket socket,
                           std::string remote, ConnectionLimiter::Ticket ticket) {
  beast::error_code ignored;
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    if (!first && buffer.size() == 0) {
      // Keep-alive: wait for the next request's first bytes with the idle timeout.
      stream.expires_after(s->options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kNoThrow);
      if (ec) {
        break;
      }
      buffer.commit(n);
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(s->options.max_header_bytes));
    parser.body_limit(s->options.max_body_bytes);
    stream.expires_after(s->options.request_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    if (ec) {
      if (auto answer = answer_for_read_error(*s, ec)) {
        co_await write_response(stream, std::move(*answer), false, 11, kErrorWriteTimeout);
      }
      break;
    }
    const auto& req = parser.get();
    const bool head = req.method() == http::verb::head;
    HttpResponse res = co_await answer(*s, to_request(req, remote), stream.get_executor());
    if (head) {
      res.omit_body = true;
      if (res.stream) {
        res.stream->abandon();
        res.stream.reset();
      }
    }
    if (res.stream) {
      co_await write_streamed(stream, std::move(res), req.version(), s->options.write_timeout);
      break;
    }
    bool keep_alive = req.keep_alive();
    beast::error_code wec;
    if (res.source && !res.omit_body) {
      wec = co_await write_sourced(stream, std::move(res), keep_alive, req.version(),
                                   s->options.write_timeout);
    } else {
      wec = co_await write_response(stream, std::move(res), keep_alive, req.version(),
                                    s->options.write_timeout);
    }
    if (wec || !keep_alive) {
      break;
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

Awaitable accept_loop(std::shared_ptr<HttpServer::Impl> s) {
  // Named, not temporaries: GCC 12 mishandles prvalue arguments to coroutines.
  AcceptLoopOptions options{.name = s->options.name};
  // Each connection on its own strand: the loop may run on several threads
  // (the edge's does), and a Beast stream's timer and I/O must not race.
  SocketExecutor on_strand = [&io = s->io] { return asio::any_io_executor(asio::make_strand(io)); };
  AcceptHandler serve = [s](tcp::socket socket, std::string remote,
                            ConnectionLimiter::Ticket ticket) {
    auto executor = socket.get_executor();
    asio::co_spawn(executor,
                   serve_connection(s, std::move(socket), std::move(remote), std::move(ticket)),
                   asio::detached);
  };
  co_await accept_connections(s->acceptor, s->limiter, options, on_strand, serve);
}

}  // namespace

HttpServer::HttpServer(EventLoop& loop, HttpServerOptions options, HttpHandler handler,
                       HttpErrorRenderer render_error)
    : impl_(std::make_shared<Impl>(loop.context(), std::move(options), std::move(handler),
                                   std::move(render_error))) {}

HttpServer::~HttpServer() {
  stop();
}

Result<uint16_t> HttpServer::start() {
  auto port =
      listen_on(impl_->acceptor, impl_->options.host, impl_->options.port, impl_->options.name);
  if (port.ok()) {
    asio::co_spawn(impl_->io, accept_loop(impl_), asio::detached);
  }
  return port;
}

void HttpServer::stop() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace antcdn::net
