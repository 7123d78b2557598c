#pragma once

// The RTMP listener: accepts encoders, runs one session coroutine per
// connection (handshake, commands, media) and hands publishes to the
// PublishGate. Explicit limits: connections (in all and per address),
// handshake/publish deadline, idle timeout, failed-key attempts per address, and
// (in format::rtmp::ServerConnection) what a peer may send before it is authorised.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "format/rtmp/server_connection.h"
#include "ingest/rtmp/ingest_metrics.h"
#include "ingest/rtmp/tls_credentials.h"
#include "lifecycle/publish_gate.h"
#include "net/event_loop.h"

namespace antcdn::ingest::rtmp {

struct RtmpOptions {
  std::string name = "rtmp";  // "rtmps" for the TLS listener (log lines, errors)
  std::string host = "0.0.0.0";
  uint16_t port = 1935;
  std::string app = "live";
  size_t max_connections = 1000;
  size_t max_connections_per_address = 16;            // 0: no cap
  std::chrono::milliseconds publish_deadline{10000};  // connect to an authorised publish
  std::chrono::milliseconds idle_timeout{30000};      // no bytes from the encoder
  int max_failed_keys = 10;                           // per address and minute
  format::rtmp::ServerConnectionOptions connection;
  IngestMetrics* metrics = nullptr;  // borrowed; none when null
  // RTMPS: TLS with these credentials (borrowed); plain RTMP when null.
  TlsCredentials* tls = nullptr;
};

class RtmpListener {
 public:
  RtmpListener(net::EventLoop& loop, RtmpOptions options, lifecycle::PublishGate& gate);
  ~RtmpListener();
  RtmpListener(const RtmpListener&) = delete;
  RtmpListener& operator=(const RtmpListener&) = delete;

  Result<uint16_t> start();
  void stop();

  struct Impl;  // public so that the session coroutines in the .cc can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace antcdn::ingest::rtmp
