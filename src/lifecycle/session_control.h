#pragma once

// SEAM: lets the control plane act on a running publish session without knowing
// how ingest is built (a forced key rotation must disconnect the encoder).
// Callable from any thread; the work is posted to the lifecycle's thread.

#include <string>

namespace antcdn::lifecycle {

class SessionControl {
 public:
  virtual ~SessionControl() = default;
  // Disconnects the encoder publishing to `stream_id`, if any, and ends its
  // session (ENDLIST written, state `ended`). Returns at once; the work is async.
  virtual void kill_session(const std::string& stream_id) = 0;
  // Like kill_session, but the stream goes to `error` with `reason` (the media
  // pipeline cannot go on: storage gave up, transcoder failed).
  virtual void fail_session(const std::string& stream_id, const std::string& reason) = 0;
};

}  // namespace antcdn::lifecycle
