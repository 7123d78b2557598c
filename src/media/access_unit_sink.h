#pragma once

// SEAM: ingest -> transcode -> package. For each encoder attachment a producer
// calls on_tracks before any access unit, then on_access_unit in dts order per
// track, then on_end. on_end(Dropped) pauses the sink: it may be followed by
// on_tracks (the encoder came back within the reconnect window; the sink goes on
// after a discontinuity) or by a final on_end with another reason. Any other
// reason is final. The lifecycle supervisor, not ingest, calls on_end.
//
// An access unit is handed over, not lent: the sink owns its bytes from then on
// and keeps them by moving (the packager until its segment is built, the
// transcoder's queue until the worker decodes it). A unit is never copied on
// its way from the RTMP message it was cut from to the segment it ends up in.

#include <vector>

#include "media/access_unit.h"
#include "media/track.h"

namespace antcdn::media {

enum class EndReason {
  Clean,    // the encoder unpublished (FCUnpublish / deleteStream)
  Dropped,  // the TCP connection went away or timed out (not final, see above)
  Killed,   // the server ended the session (forced key rotation, shutdown)
  Failed,   // unrecoverable error (unsupported codec, transcoder failure)
  // This node no longer holds the stream (its lease ran out or another node
  // took the session over): stop at once and write nothing more, not even ENDLIST.
  Abandoned,
};

class AccessUnitSink {
 public:
  virtual ~AccessUnitSink() = default;
  virtual void on_tracks(const std::vector<TrackInfo>& tracks) = 0;
  virtual void on_access_unit(AccessUnit&& unit) = 0;
  virtual void on_end(EndReason reason) = 0;
};

}  // namespace antcdn::media
