#pragma once

// SRT ingest (--srt-listen, UDP): callers publish MPEG-TS with streamid = the
// stream key (or "#!::r=KEY,m=publish"). Each publisher gets the same states,
// reconnect window and forced rotation as an RTMP one through the
// PublishGate. libsrt's calls block, so SRT never runs on an event loop: one
// accept thread, and one thread per connection that authorises it (waiting for
// the gate's answer), reads the socket, demuxes the TS (libavformat) and feeds
// the session's sink.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "ingest/rtmp/ingest_metrics.h"
#include "lifecycle/publish_gate.h"

namespace antcdn::ingest::srt {

struct SrtOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 0;
  // Receiver latency (SRTO_RCVLATENCY): how long SRT may wait for lost packets
  // to be sent again. The connection uses the larger of this and the caller's.
  int latency_ms = 120;
  size_t max_connections = 1000;
  std::chrono::milliseconds publish_deadline{10000};  // connect to an authorised publish
  std::chrono::milliseconds idle_timeout{10000};      // no bytes from the encoder
  int max_failed_keys = 10;                           // per address and minute
  // The node's ingest counters, shared with RTMP (relaxed atomics: bumped from
  // the SRT threads); none when null.
  rtmp::IngestMetrics* metrics = nullptr;
};

class SrtListener {
 public:
  SrtListener(SrtOptions options, lifecycle::PublishGate& gate);
  // Stops, closes every connection and joins the threads.
  ~SrtListener();
  SrtListener(const SrtListener&) = delete;
  SrtListener& operator=(const SrtListener&) = delete;

  Result<uint16_t> start();
  // Stops accepting; open sessions go on until the gate disconnects them.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace antcdn::ingest::srt
