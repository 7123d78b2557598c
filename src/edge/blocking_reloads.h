#pragma once

// LL-HLS blocking playlist reloads (RFC 8216bis 6.2.5.2) at the edge: a
// request for a media playlist (or a part) that is not there yet waits here,
// holding no thread, until a version of the playlist that holds it arrives, or
// its hold runs out.
//
// Versions arrive two ways. A node that packages the stream offers each
// playlist as it is written (CachedStore's publish listener), so a waiting
// request is answered as soon as the packager lists the part. Every node also
// re-reads, from the origin and every `poll_interval`, the playlists that have
// waiters, so a stream packaged on another node is followed too, at most one
// poll interval (plus an origin read) later. Only newer versions are kept
// (format::hls::is_newer), so a slow origin read never takes a waiter back.
//
// Threads: wait() and offer() from any thread, under a short lock. A wait that
// can be answered at once is answered on its caller; every other answer
// (offers, polls, holds that ran out) runs on the one poll thread, so the
// packager that offers a playlist never answers viewers itself.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "format/hls/live_edge.h"
#include "storage/object_store.h"

namespace antcdn::edge {

struct BlockingReloadOptions {
  std::chrono::milliseconds poll_interval{100};
  // Reads `key` from the origin, not from the cache; answers on any thread.
  std::function<void(const std::string& key, std::function<void(Result<storage::ObjectPtr>)> done)>
      read_fresh;
};

class BlockingReloads {
 public:
  // The playlist that satisfies the wait, or Unavailable when the hold ran out
  // (or the edge is stopping).
  using Answer = std::function<void(Result<storage::ObjectPtr>)>;

  explicit BlockingReloads(BlockingReloadOptions options);
  ~BlockingReloads();  // answers every waiter Unavailable
  BlockingReloads(const BlockingReloads&) = delete;
  BlockingReloads& operator=(const BlockingReloads&) = delete;

  // Waits for a version of `key` that delivers `wanted` (format::hls::delivery
  // is Now for it), at most `hold`. `current` is the version the caller has:
  // it seeds the wait when nothing newer is known.
  void wait(const std::string& key, const storage::ObjectPtr& current,
            const format::hls::PartWanted& wanted, std::chrono::milliseconds hold, Answer answer);

  // A version of `key` just written or read. Kept for a second even when
  // nobody waits for it yet, so a request that read the previous version
  // just before is answered with this one when its wait() comes.
  void offer(const std::string& key, const storage::ObjectPtr& playlist);

  size_t waiting() const;

 private:
  // Shared with the origin reads in flight, which may answer after the
  // BlockingReloads is gone.
  struct Core;
  std::shared_ptr<Core> core_;
  std::thread poller_;
};

}  // namespace antcdn::edge
