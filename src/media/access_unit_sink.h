#pragma once

// SEAM: ingest -> transcode -> package. A producer calls on_tracks once per
// session before any access unit, then on_access_unit in dts order per track,
// then on_end exactly once.

#include <vector>

#include "media/access_unit.h"
#include "media/track.h"

namespace antcdn::media {

enum class EndReason {
  Clean,    // the encoder unpublished (FCUnpublish / deleteStream)
  Dropped,  // the TCP connection went away or timed out
  Killed,   // the server ended the session (forced key rotation, shutdown)
  Failed,   // unrecoverable error (unsupported codec, transcoder failure)
};

class AccessUnitSink {
 public:
  virtual ~AccessUnitSink() = default;
  virtual void on_tracks(const std::vector<TrackInfo>& tracks) = 0;
  virtual void on_access_unit(const AccessUnit& unit) = 0;
  virtual void on_end(EndReason reason) = 0;
};

}  // namespace antcdn::media
