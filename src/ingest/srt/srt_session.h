#pragma once

// One SRT publisher, on its own thread, from accept to close: the streamid's
// key is authorised by the gate (this thread waits for the answer), then the
// socket's MPEG-TS is demuxed into the granted sink until the caller goes
// away, stalls, or the gate disconnects it. Every end is reported to the gate
// (Dropped: SRT has no unpublish, so the reconnect window applies; Failed with
// the reason for a codec or bound we refuse).

#include <cstdint>
#include <mutex>
#include <string>

#include "ingest/rtmp/auth_limiter.h"
#include "ingest/srt/srt_listener.h"
#include "lifecycle/publish_gate.h"

namespace antcdn::ingest::srt {

struct SrtSessionContext {
  const SrtOptions& options;
  lifecycle::PublishGate& gate;
  rtmp::AuthLimiter& limiter;  // failed keys per address (shared; guarded by the listener)
  std::mutex& limiter_mutex;
};

// `socket` is an accepted SRTSOCKET in blocking mode; closed on return.
void run_srt_session(int socket, const std::string& remote, uint64_t id,
                     const SrtSessionContext& context);

}  // namespace antcdn::ingest::srt
