#pragma once

// The RTMPS listener (--rtmps-listen): the RTMP listener over TLS, with its
// certificate and key read again on SIGHUP. The files are read on a thread of
// its own (never the ingest loop); a pair that does not load is logged and the
// old one stays in use.

#include <cstdint>
#include <memory>

#include "app/config.h"
#include "common/result.h"
#include "ingest/rtmp/listener.h"
#include "lifecycle/publish_gate.h"
#include "net/event_loop.h"

namespace antcdn::app {

class RtmpsIngest {
 public:
  // Reads the PEM files (startup: may block) and opens the listener with
  // `options` (those of the RTMP listener) on --rtmps-listen.
  static Result<std::unique_ptr<RtmpsIngest>> start(net::EventLoop& loop, const Config& config,
                                                    ingest::rtmp::RtmpOptions options,
                                                    lifecycle::PublishGate& gate);
  ~RtmpsIngest();

  uint16_t port() const { return port_; }
  // Stops accepting and reloading (shutdown; on the loop).
  void stop();

  struct Impl;
  explicit RtmpsIngest(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace antcdn::app
