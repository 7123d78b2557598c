#include "ingest/rtmp/listener.h"

#include <optional>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "common/log_text.h"
#include "common/time_util.h"
#include "ingest/rtmp/auth_limiter.h"
#include "ingest/rtmp/byte_stream.h"
#include "ingest/rtmp/flv_demuxer.h"
#include "net/await_callback.h"
#include "net/connection_limiter.h"
#include "net/tcp_acceptor.h"

namespace antcdn::ingest::rtmp {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// How long a cleanly unpublished connection may stay open for the encoder to close it.
constexpr std::chrono::seconds kUnpublishLinger{5};
// Encoders write media chunk by chunk, so a socket read right after each
// wake-up gets a few kilobytes (and a third of the reads find nothing). While
// media flows, a read that came back small is followed by a short pause that
// lets the kernel gather more: a 4.7 Mbit/s publisher costs 40 reads a second
// instead of 160 (bench/README.md), for at most this much added latency
// (segments are seconds long). Fast publishers fill the buffer and never pause.
constexpr size_t kSmallRead = 32 * 1024;
constexpr std::chrono::milliseconds kGatherPause{25};
constexpr int kRefusalLogBurst = 5;  // refusal lines per address and minute
namespace fr = format::rtmp;

struct RtmpListener::Impl {
  Impl(asio::io_context& io, RtmpOptions o, lifecycle::PublishGate& g)
      : io(io),
        options(std::move(o)),
        gate(g),
        acceptor(io),
        admission({.max_total = options.max_connections,
                   .max_per_address = options.max_connections_per_address}),
        limiter(options.max_failed_keys, 60000),
        refusal_log(kRefusalLogBurst, 60000) {}

  asio::io_context& io;
  RtmpOptions options;
  lifecycle::PublishGate& gate;
  tcp::acceptor acceptor;
  net::ConnectionLimiter admission;  // connections in all and per address
  AuthLimiter limiter;
  LogThrottle refusal_log;  // per remote address
  uint64_t next_connection_id = 1;
};

namespace {

// What the session coroutine, its watchdog and a kill request share.
struct Connection {
  Connection(std::unique_ptr<ByteStream> s, net::ConnectionLimiter::Ticket t)
      : stream(std::move(s)), ticket(std::move(t)), deadline(stream->executor()) {}
  std::unique_ptr<ByteStream> stream;     // TCP, or TLS over it
  net::ConnectionLimiter::Ticket ticket;  // the connection's slot, given back on close
  // The watchdog sleeps on this until the next moment the connection could be
  // late, so an idle connection costs no wake-ups; poke() makes it look again.
  asio::steady_timer deadline;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_read = started;
  bool publishing = false;
  bool done = false;
  // After a clean unpublish: close if the encoder has not closed by then.
  std::optional<std::chrono::steady_clock::time_point> linger_until;

  void poke() { deadline.cancel(); }

  void close() {
    stream->close();
    ticket.reset();
  }
};

// When the connection is late: before an authorised publish it has
// publish_deadline in all, afterwards idle_timeout between reads.
std::chrono::steady_clock::time_point late_at(const Connection& c, const RtmpOptions& options) {
  if (c.linger_until) {
    return *c.linger_until;
  }
  return c.publishing ? c.last_read + options.idle_timeout : c.started + options.publish_deadline;
}

// Closes connections that stall. Reads move last_read without waking it: it
// wakes at the old moment, finds the connection not late and sleeps again.
asio::awaitable<void> watchdog(std::shared_ptr<Connection> c, RtmpOptions options) {
  while (!c->done) {
    auto at = late_at(*c, options);
    if (std::chrono::steady_clock::now() >= at) {
      c->close();
      break;
    }
    c->deadline.expires_at(at);
    co_await c->deadline.async_wait(kNoThrow);
  }
}

// One publish from accept to close.
class Session {
 public:
  Session(RtmpListener::Impl& listener, std::shared_ptr<Connection> c, uint64_t id,
          std::string remote)
      : l_(listener),
        c_(std::move(c)),
        id_(id),
        remote_(std::move(remote)),
        rtmp_(l_.options.connection) {}

  asio::awaitable<void> run() {
    std::vector<std::byte> buffer(size_t{64} * 1024);
    asio::steady_timer gather(co_await asio::this_coro::executor);
    // TLS: within the publish deadline, like everything before the publish.
    bool open = true;
    if (auto ec = co_await c_->stream->handshake(); ec) {
      spdlog::debug("ingest.{} conn={} remote={} TLS handshake failed: {}", l_.options.name, id_,
                    remote_, ec.message());
      open = false;
    }
    while (open) {
      auto [ec, n] = co_await c_->stream->read_some(asio::buffer(buffer.data(), buffer.size()));
      if (ec) {
        break;
      }
      c_->last_read = std::chrono::steady_clock::now();
      if (l_.options.metrics != nullptr) {
        l_.options.metrics->bytes.inc(n);
      }
      if (stream_metrics_) {
        stream_metrics_->bytes->inc(n);
      }
      Status fed = rtmp_.feed(ByteSpan(buffer.data(), n));
      if (fed.ok()) {
        drain_events();
        while (publish_request_) {
          co_await authorize();
          drain_events();
        }
      } else {
        failure_ = fed.error().describe();
      }
      if (!co_await flush() || !failure_.empty() || rtmp_.closed()) {
        break;
      }
      if (ended_ && !reported_) {
        // The stream ends now, but the encoder closes the connection: GStreamer's
        // rtmp2sink reports "connection closed remotely" (and gst-launch exits 1)
        // when the server hangs up right after its FCUnpublish. Later commands
        // (deleteStream) still get their _result; stragglers are ignored.
        report_end();
        c_->linger_until = std::chrono::steady_clock::now() + kUnpublishLinger;
        c_->poke();
      }
      if (demuxer_ && !ended_ && n < kSmallRead) {
        gather.expires_after(kGatherPause);
        co_await gather.async_wait(kNoThrow);
      }
    }
    if (!reported_) {
      report_end();
    }
    if (!unsupported_.empty()) {
      // The encoder is still sending: closing with its media unread would reset
      // the connection, and a reset can discard the NetStream.Publish.Failed
      // status before the encoder reads it. Half-close and drain instead.
      c_->stream->shutdown_send();
      c_->linger_until = std::chrono::steady_clock::now() + kUnpublishLinger;
      c_->poke();
      for (;;) {
        auto [ec, n] = co_await c_->stream->read_some(asio::buffer(buffer.data(), buffer.size()));
        if (ec) {
          break;
        }
      }
    }
    c_->done = true;
    c_->close();
    c_->poke();  // the watchdog ends now rather than at its next deadline
  }

 private:
  asio::awaitable<bool> flush() {
    Bytes out = rtmp_.take_output();
    if (out.empty()) {
      co_return true;
    }
    auto [ec, n] = co_await c_->stream->write(asio::buffer(out.data(), out.size()));
    co_return !ec;
  }

  // Handles queued protocol events up to a publish request, which waits for
  // authorize() (the events after it stay queued until then).
  void drain_events() {
    while (!publish_request_) {
      if (!failure_.empty() || ended_) {
        return;
      }
      auto event = rtmp_.poll_event();
      if (!event) {
        return;
      }
      std::visit([this](auto& e) { handle(e); }, *event);
    }
  }

  void handle(fr::Connected& e) {
    spdlog::debug("ingest.rtmp conn={} remote={} connect app='{}' encoder='{}'", id_, remote_,
                  loggable(e.app), loggable(e.flash_ver));
  }

  void refuse(std::string_view code, const std::string& why) {
    if (auto dropped = l_.refusal_log.admit(remote_, unix_now_ms())) {
      spdlog::warn(
          "ingest.rtmp conn={} remote={} publish refused: {}{}", id_, remote_, why,
          *dropped ? fmt::format(" ({} more refusals of this address not logged)", *dropped) : "");
    }
    (void)rtmp_.reject_publish(code, why);
  }

  void handle(fr::PublishRequested& e) {
    if (e.app != l_.options.app) {
      refuse("NetStream.Publish.BadName", "unknown application '" + loggable(e.app) + "'");
      return;
    }
    if (!l_.limiter.allowed(remote_, unix_now_ms())) {
      refuse("NetStream.Publish.BadName", "too many failed stream key attempts; wait a minute");
      return;
    }
    publish_request_ = std::move(e);
  }

  // Asks the gate, whose answer arrives from its own thread; meanwhile this
  // coroutine waits without holding the loop.
  asio::awaitable<void> authorize() {
    fr::PublishRequested e = std::move(*publish_request_);
    publish_request_.reset();
    auto executor = co_await asio::this_coro::executor;
    std::weak_ptr<Connection> weak = c_;
    auto disconnect = [weak, executor] {
      asio::post(executor, [weak] {
        if (auto c = weak.lock()) {
          c->close();
        }
      });
    };
    auto grant = co_await net::await_callback<Result<lifecycle::PublishGrant>>(
        [&](std::function<void(Result<lifecycle::PublishGrant>)> done) {
          l_.gate.authorize(
              lifecycle::PublishRequest{.stream_key = Secret(std::move(e.stream_name)),
                                        .remote_address = remote_,
                                        .disconnect = disconnect},
              std::move(done));
        });
    if (!grant.ok()) {
      if (grant.error().code == Code::Unauthenticated) {
        l_.limiter.record_failure(remote_, unix_now_ms());
      }
      // A node at its --max-transcodes is not a bad key: say so in the code too.
      refuse(grant.error().code == Code::ResourceExhausted ? "NetStream.Publish.Failed"
                                                           : "NetStream.Publish.BadName",
             grant.error().message);
      co_return;
    }
    grant_ = std::move(*grant);
    demuxer_ = std::make_unique<FlvDemuxer>(*grant_->sink);
    c_->publishing = true;
    c_->poke();
    (void)rtmp_.accept_publish();
    if (l_.options.metrics != nullptr) {
      l_.options.metrics->publishers.add(1);
      stream_metrics_ = l_.options.metrics->for_stream(grant_->stream_id);
    }
    spdlog::info("ingest.rtmp conn={} remote={} stream={} publishing{}", id_, remote_,
                 grant_->stream_id, grant_->resumed ? " (reconnect)" : "");
  }

  void handle(fr::Metadata& e) {
    if (auto fps = e.data.find_number("framerate"); fps && demuxer_) {
      demuxer_->set_frame_rate_hint(*fps);
    }
  }

  void handle(fr::Media& e) {
    if (!demuxer_) {
      return;
    }
    if (auto* m = l_.options.metrics) {
      (e.kind == media::MediaKind::Video ? m->video_frames : m->audio_frames).inc();
    }
    if (stream_metrics_) {
      (e.kind == media::MediaKind::Video ? stream_metrics_->video_frames
                                         : stream_metrics_->audio_frames)
          ->inc();
    }
    Status s = demuxer_->on_media(e.kind, e.timestamp, std::move(e.payload), unix_now_ms());
    if (s.ok()) {
      return;
    }
    // Both end the stream in `error` with the reason: a codec we don't take,
    // or a per-stream bound the encoder went past (flv_demuxer.h).
    if (s.error().code == Code::Unsupported || s.error().code == Code::ResourceExhausted) {
      unsupported_ = s.error().message;
      rtmp_.send_status("error", "NetStream.Publish.Failed", unsupported_);
    }
    failure_ = s.error().describe();
  }

  void handle(fr::Unpublished& /*e*/) {
    ended_ = true;
    clean_ = true;
  }

  void report_end() {
    reported_ = true;
    if (!grant_) {
      if (!failure_.empty()) {
        spdlog::warn("ingest.rtmp conn={} remote={} closed: {}", id_, remote_, failure_);
      }
      return;
    }
    if (l_.options.metrics != nullptr) {
      l_.options.metrics->publishers.sub(1);
    }
    stream_metrics_.reset();  // the stream's series leave the exposition
    media::EndReason reason = media::EndReason::Dropped;
    std::string detail;
    if (clean_) {
      reason = media::EndReason::Clean;
    } else if (!unsupported_.empty()) {
      reason = media::EndReason::Failed;
      detail = unsupported_;
    } else if (!failure_.empty()) {
      spdlog::warn("ingest.rtmp conn={} stream={} protocol error: {}", id_, grant_->stream_id,
                   failure_);
    }
    spdlog::info("ingest.rtmp conn={} stream={} ended ({}; {} video, {} audio frames)", id_,
                 grant_->stream_id, clean_ ? "unpublished" : "disconnected",
                 demuxer_ ? demuxer_->video_frames() : 0, demuxer_ ? demuxer_->audio_frames() : 0);
    l_.gate.on_stopped(*grant_, reason, detail);
  }

  RtmpListener::Impl& l_;
  std::shared_ptr<Connection> c_;
  uint64_t id_;
  std::string remote_;
  fr::ServerConnection rtmp_;
  std::optional<fr::PublishRequested> publish_request_;  // waiting for authorize()
  std::optional<lifecycle::PublishGrant> grant_;
  std::unique_ptr<FlvDemuxer> demuxer_;
  std::optional<StreamIngestCounters> stream_metrics_;  // --metrics-per-stream
  std::string failure_;
  std::string unsupported_;
  bool ended_ = false;
  bool clean_ = false;
  bool reported_ = false;
};

asio::awaitable<void> run_session(std::shared_ptr<RtmpListener::Impl> l, tcp::socket socket,
                                  std::string remote, net::ConnectionLimiter::Ticket ticket) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto stream = l->options.tls != nullptr
                    ? make_tls_stream(std::move(socket), l->options.tls->current())
                    : make_tcp_stream(std::move(socket));
  auto c = std::make_shared<Connection>(std::move(stream), std::move(ticket));
  asio::co_spawn(l->io, watchdog(c, l->options), asio::detached);
  Session session(*l, c, l->next_connection_id++, std::move(remote));
  co_await session.run();
}

asio::awaitable<void> accept_loop(std::shared_ptr<RtmpListener::Impl> l) {
  // Named, not temporaries: GCC 12 mishandles prvalue arguments to coroutines.
  net::AcceptLoopOptions options{.name = "ingest." + l->options.name};
  net::SocketExecutor on_loop = [&io = l->io] { return asio::any_io_executor(io.get_executor()); };
  net::AcceptHandler start = [l](tcp::socket socket, std::string remote,
                                 net::ConnectionLimiter::Ticket ticket) {
    asio::co_spawn(l->io, run_session(l, std::move(socket), std::move(remote), std::move(ticket)),
                   asio::detached);
  };
  co_await net::accept_connections(l->acceptor, l->admission, options, on_loop, start);
}

}  // namespace

RtmpListener::RtmpListener(net::EventLoop& loop, RtmpOptions options, lifecycle::PublishGate& gate)
    : impl_(std::make_shared<Impl>(loop.context(), std::move(options), gate)) {}

RtmpListener::~RtmpListener() {
  stop();
}

Result<uint16_t> RtmpListener::start() {
  auto port = net::listen_on(impl_->acceptor, impl_->options.host, impl_->options.port,
                             impl_->options.name);
  if (port.ok()) {
    asio::co_spawn(impl_->io, accept_loop(impl_), asio::detached);
  }
  return port;
}

void RtmpListener::stop() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace antcdn::ingest::rtmp
