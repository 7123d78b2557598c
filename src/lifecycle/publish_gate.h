#pragma once

// SEAM between ingest (and later the packager) and the stream lifecycle.
// Ingest asks whether a key may publish, and reports how the session ended; the
// packager reports when every rendition has a segment at the edge. Every call
// may be made from any thread and returns at once: the gate's work (database
// calls included) runs on its own thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/secret.h"
#include "media/access_unit_sink.h"
#include "media/quality.h"

namespace antcdn::lifecycle {

struct PublishRequest {
  Secret stream_key;
  std::string remote_address;
  // Closes the encoder's connection (used by forced rotation, lease loss and
  // shutdown). Called from the gate's thread: it must be thread-safe.
  std::function<void()> disconnect;
};

struct PublishGrant {
  std::string stream_id;
  std::string edge_id;
  media::Quality quality = media::Quality::Standard;
  bool resumed = false;  // a reconnect within the window: the same playlists go on
  uint64_t token = 0;    // identifies this attachment in on_stopped
  // Where the session's access units go. The gate owns its end: ingest never
  // calls on_end itself.
  std::shared_ptr<media::AccessUnitSink> sink;
};

// Receives the answer on the gate's thread; post it to where it is needed.
using AuthorizeCallback = std::function<void(Result<PublishGrant>)>;

class PublishGate {
 public:
  virtual ~PublishGate() = default;
  // Unauthenticated for an unknown (or rotated, or deleted) key, Conflict when
  // the stream already has a publisher, Unavailable when the store does not answer.
  virtual void authorize(PublishRequest request, AuthorizeCallback done) = 0;
  virtual void on_segments_ready(const std::string& stream_id) = 0;
  // `reason`: Clean (unpublish), Dropped (TCP drop/timeout), Failed (with detail).
  virtual void on_stopped(const PublishGrant& grant, media::EndReason reason,
                          const std::string& detail) = 0;
};

}  // namespace antcdn::lifecycle
