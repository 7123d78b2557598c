#pragma once

// A write-through, in-memory LRU in front of another ObjectStore, so the edge
// serves hot playlists and segments without touching the disk. Puts go to the
// inner store first and then replace the cached copy (playlists are rewritten
// in place every segment); removes evict; a get that misses reads the inner
// store and keeps the result. Objects are shared, never copied, on a hit.
//
// Consistency: the cache never holds an object older than the inner store's
// after a write returns. A fill that raced with a write of the same key is
// dropped instead of cached, and writes of one key are serialised here, so
// two puts cannot land in the inner store and the cache in opposite orders.

#include <array>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "storage/object_store.h"

namespace antcdn::storage {

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  size_t bytes = 0;  // payload bytes held (keys and bookkeeping not counted)
  size_t entries = 0;
};

class CachedStore final : public ObjectStore {
 public:
  // Objects larger than `max_bytes` pass through uncached.
  CachedStore(ObjectStore& inner, size_t max_bytes);

  Status put(const std::string& key, Bytes data, const PutOptions& options) override;
  Result<ObjectPtr> get(const std::string& key) override;
  Status remove(const std::string& key) override;
  Status remove_prefix(const std::string& prefix) override;

  CacheStats stats() const;

 private:
  struct Entry {
    std::string key;
    ObjectPtr object;
  };
  using Lru = std::list<Entry>;  // front = most recently used

  static constexpr size_t kWriteStripes = 16;
  std::mutex& write_lock_for(const std::string& key);

  void insert_locked(const std::string& key, ObjectPtr object);
  void erase_locked(const std::string& key);

  ObjectStore& inner_;
  const size_t max_bytes_;
  std::array<std::mutex, kWriteStripes> write_locks_;

  mutable std::mutex mutex_;  // guards everything below
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> index_;
  // Misses being read from the inner store, by key: a write of the key erases
  // the ticket, telling the reader that what it read may be stale.
  std::unordered_map<std::string, uint64_t> fills_;
  uint64_t next_fill_ = 0;
  size_t bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace antcdn::storage
