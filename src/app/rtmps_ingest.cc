#include "app/rtmps_ingest.h"

#include <csignal>

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "ingest/rtmp/tls_credentials.h"
#include "net/blocking_pool.h"

namespace antcdn::app {

struct RtmpsIngest::Impl {
  Impl(net::EventLoop& loop, std::unique_ptr<ingest::rtmp::TlsCredentials> c)
      : credentials(std::move(c)), hangups(loop.context(), SIGHUP) {}

  void wait_for_hangup() {
    hangups.async_wait([this](const boost::system::error_code& ec, int /*signal*/) {
      if (ec) {
        return;  // stopped
      }
      reloads.post([this] {
        if (Status s = credentials->reload(); s.ok()) {
          spdlog::info("ingest.rtmps: certificate and key reloaded");
        } else {
          spdlog::error("ingest.rtmps: reload failed, keeping the previous pair: {}",
                        s.error().describe());
        }
      });
      wait_for_hangup();
    });
  }

  // Destroyed last (declared first): a reload in flight uses the credentials.
  std::unique_ptr<ingest::rtmp::TlsCredentials> credentials;
  net::BlockingPool reloads{"tls-reload", 1};
  std::unique_ptr<ingest::rtmp::RtmpListener> listener;
  boost::asio::signal_set hangups;
};

RtmpsIngest::RtmpsIngest(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RtmpsIngest::~RtmpsIngest() {
  stop();
}

Result<std::unique_ptr<RtmpsIngest>> RtmpsIngest::start(net::EventLoop& loop, const Config& config,
                                                        ingest::rtmp::RtmpOptions options,
                                                        lifecycle::PublishGate& gate) {
  auto credentials = ingest::rtmp::TlsCredentials::load(config.tls_cert_file, config.tls_key_file);
  if (!credentials.ok()) {
    return credentials.error();
  }
  ListenAddress address;
  parse_listen(config.rtmps_listen, address);
  auto impl = std::make_unique<Impl>(loop, std::move(*credentials));
  options.name = "rtmps";
  options.host = address.host;
  options.port = address.port;
  options.tls = impl->credentials.get();
  impl->listener = std::make_unique<ingest::rtmp::RtmpListener>(loop, options, gate);
  auto port = impl->listener->start();
  if (!port.ok()) {
    return port.error();
  }
  impl->wait_for_hangup();
  auto ingest = std::make_unique<RtmpsIngest>(std::move(impl));
  ingest->port_ = *port;
  return ingest;
}

void RtmpsIngest::stop() {
  boost::system::error_code ignored;
  impl_->hangups.cancel(ignored);
  impl_->listener->stop();
}

}  // namespace antcdn::app
