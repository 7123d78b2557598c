#pragma once

// Remuxes a recording's top video rendition and its audio (fMP4 sessions:
// init section + segments each, read back from the object store one object at
// a time) into one progressive MP4 with libavformat, written to a local file
// (a recording may be hours long: memory holds one segment and the muxer's
// index, never the MP4). No re-encoding. Each session's timestamps continue where the
// previous one ended, per track, so a reconnect leaves no gap in the file.
// Blocking and CPU-bound (tens of ms per minute of media): call it on a
// blocking pool, never on an event loop. The codec parameters are the first
// session's; the ladder's encoders keep them across reconnects.

#include <filesystem>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "storage/object_store.h"

namespace antcdn::record {

// An object of a session: its key and size (known from when it was written).
struct RemuxPart {
  std::string key;
  size_t bytes = 0;
};

struct RemuxSession {
  RemuxPart init;
  std::vector<RemuxPart> segments;
};

// One track's sessions, in order.
using RemuxTrack = std::vector<RemuxSession>;

// `audio` may be empty (no audio rendition); `video` must have a session.
// The objects are read from `objects` (which may block). Writes (replaces)
// `out_file`; on an error what it holds is garbage (the caller removes it).
Status remux_mp4(storage::ObjectStore& objects, const RemuxTrack& video, const RemuxTrack& audio,
                 const std::filesystem::path& out_file);

}  // namespace antcdn::record
