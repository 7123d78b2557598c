#pragma once

// Remuxes a recording's top video rendition and its audio (fMP4 sessions:
// init section + segments each) into one progressive MP4 with libavformat,
// in memory. No re-encoding. Each session's timestamps continue where the
// previous one ended, per track, so a reconnect leaves no gap in the file.
// Blocking and CPU-bound (tens of ms per minute of media): call it on a
// blocking pool, never on an event loop. The codec parameters are the first
// session's; the ladder's encoders keep them across reconnects.

#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "storage/object_store.h"

namespace antcdn::record {

struct RemuxSession {
  storage::ObjectPtr init;
  std::vector<storage::ObjectPtr> segments;
};

// One track's sessions, in order.
using RemuxTrack = std::vector<RemuxSession>;

// `audio` may be empty (no audio rendition); `video` must have a session.
Result<Bytes> remux_mp4(const RemuxTrack& video, const RemuxTrack& audio);

}  // namespace antcdn::record
