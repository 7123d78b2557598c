#pragma once

// Thumbnails kept for a short while, and one render per key at a time: the
// first request for a key renders, requests meanwhile wait for its answer,
// and later ones within `ttl` get the same bytes (or the same NotFound). So a
// stream costs at most one render per width per `ttl`, however many viewers
// ask. Thread-safe; callbacks run outside the lock.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "thumbnail/thumbnail_source.h"

namespace antcdn::thumbnail {

struct RenderCacheOptions {
  std::chrono::milliseconds ttl{2000};
  // Answers kept, and the JPEG bytes they hold; the soonest to expire goes
  // first. A JPEG larger than max_bytes is answered but not kept.
  size_t max_entries = 256;
  size_t max_bytes = size_t{32} * 1024 * 1024;
  // Renders started and not finished (different keys); past it a new key is
  // answered ResourceExhausted, so made-up widths cannot queue unbounded work.
  size_t max_in_flight = 64;
  std::function<std::chrono::steady_clock::time_point()> now;  // tests; steady_clock by default
};

class RenderCache {
 public:
  explicit RenderCache(RenderCacheOptions options);

  // True when the caller must render `key` and then call finish(key, ...).
  // Otherwise `done` was answered (cached, or too busy) or waits for the
  // render in flight.
  bool join(const std::string& key, ThumbnailCallback done);
  // Answers every waiter of `key`; keeps a success or a NotFound for `ttl`.
  void finish(const std::string& key, const Result<Jpeg>& result);

  size_t entries_for_test() const;
  size_t bytes_for_test() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Result<Jpeg> result;
    Clock::time_point expires;
  };
  Clock::time_point now() const { return options_.now ? options_.now() : Clock::now(); }
  static size_t bytes_of(const Entry& e) { return e.result.ok() ? (*e.result)->size() : 0; }
  // With mutex_ held: drops entries until one of `bytes` more fits.
  void make_room(Clock::time_point now, size_t bytes);
  void drop(std::unordered_map<std::string, Entry>::iterator it);

  const RenderCacheOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> done_;
  size_t bytes_ = 0;  // of the JPEGs in done_
  std::unordered_map<std::string, std::vector<ThumbnailCallback>> waiting_;
};

}  // namespace antcdn::thumbnail
