#pragma once

// A response body of known length read piece by piece while it is sent (a
// recording's MP4 from storage): a handler answers with an HttpResponse whose
// `source` is set; the server writes the headers with that Content-Length and
// then asks for one piece at a time, the next one only while it writes the
// previous one. So a response holds at most two pieces in memory, and a slow
// client slows the reads down instead of making them pile up (unlike
// ResponseStream, which drops a consumer that falls behind).

#include <cstdint>
#include <functional>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::net {

// Receives a piece: non-empty bytes, or an error (the server then closes the
// connection: the promised length can no longer be kept).
using PieceCallback = std::function<void(Result<Bytes>)>;

class BodySource {
 public:
  virtual ~BodySource() = default;
  // The body's length: the sum of every piece.
  virtual uint64_t length() const = 0;
  // Starts reading the next piece and returns at once (never blocks: it runs
  // on an event loop); calls `done` once, from any thread. The server calls it
  // again only after `done` ran, and stops once it has `length()` bytes.
  virtual void next(PieceCallback done) = 0;
};

}  // namespace antcdn::net
