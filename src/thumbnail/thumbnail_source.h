#pragma once

// SEAM: JPEG thumbnails of a stream's or a recording's top rendition, without
// waiting (the edge asks, ThumbnailService answers). A live thumbnail is the
// newest segment's keyframe; a recording's is the keyframe of the segment
// holding the asked time.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::thumbnail {

struct ThumbnailRequest {
  // The master playlist: "{edgeId}/master.m3u8" (live) or
  // "recordings/{recordingId}/master.m3u8".
  std::string master_key;
  std::optional<double> time_s;  // recordings: seconds from the start; live: empty
  int width = 0;                 // 0: the source width; clamped to [16, source width]
};

using Jpeg = std::shared_ptr<const Bytes>;
// Errors: NotFound (no playlist or no segment yet), ResourceExhausted (too
// many renders queued: retry shortly), Unavailable (storage), InvalidArgument
// or Unsupported (objects that give no picture).
using ThumbnailCallback = std::function<void(Result<Jpeg>)>;

class ThumbnailSource {
 public:
  virtual ~ThumbnailSource() = default;
  // Never blocks. `done` runs at once on the caller's thread for a cached
  // thumbnail, otherwise on a storage or render thread.
  virtual void render_async(const ThumbnailRequest& request, ThumbnailCallback done) = 0;
};

}  // namespace antcdn::thumbnail
