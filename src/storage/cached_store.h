#pragma once

// A write-through, in-memory LRU in front of another ObjectStore, so the edge
// serves hot playlists and segments without touching the disk. Puts go to the
// inner store first and then the writer's object itself replaces the cached one
// (playlists are rewritten in place every segment); removes evict; a get that
// misses reads the inner store and keeps the result. Objects are shared, never
// copied: not on a put, not on a hit.
//
// Concurrent misses of one key are coalesced: one reads the inner store, the
// others wait for its answer (get_async waiters hold no thread while they wait), so a thousand
// viewers asking for a new segment cost one origin read. On a node that does not write the objects
// itself (an edge reading S3 that another node fills) entries expire: `ttl_for` gives playlists a
// short life, and NotFound answers can be remembered briefly.
//
// Consistency: the cache never holds an object older than the inner store's
// after a write returns. A fill that raced with a write of the same key is
// dropped instead of cached, and writes of one key are serialised here, so
// two puts cannot land in the inner store and the cache in opposite orders.
// remove_prefix takes no write lock (a bucket listing must not stall other
// streams' writes); a put that overlapped it is simply not cached.

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/object_reader.h"
#include "storage/object_store.h"

namespace antcdn::storage {

struct CacheOptions {
  size_t max_bytes = size_t{256} * 1024 * 1024;  // payload; larger objects pass through
  // How long an object may be served before the inner store is asked again;
  // nullopt (or no function): until evicted or overwritten through this cache.
  std::function<std::optional<std::chrono::milliseconds>(std::string_view key)> ttl_for;
  std::chrono::milliseconds negative_ttl{0};  // remember NotFound this long (0: never)
  std::function<std::chrono::steady_clock::time_point()> now;  // tests; steady_clock by default
  // Where get_async reads the inner store (a pool that may block); inline when empty.
  std::function<void(std::function<void()>)> background;
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;     // reads of the inner store
  uint64_t coalesced = 0;  // misses that waited for another reader's answer
  size_t bytes = 0;        // payload bytes held (keys and bookkeeping not counted)
  size_t entries = 0;
};

class CachedStore final : public ObjectStore, public ObjectReader {
 public:
  // Objects larger than `max_bytes` pass through uncached.
  CachedStore(ObjectStore& inner, size_t max_bytes);
  CachedStore(ObjectStore& inner, CacheOptions options);

  Status put(const std::string& key, const ObjectPtr& object) override;
  // Serves `object` from memory at once, before its put (which must follow,
  // through put()) reaches the inner store: the writer's queue calls this when
  // it accepts a write, so viewers on this node see a new part or playlist
  // without waiting for the disk or S3. A put completing for an older object
  // of the key does not replace a newer published one, and a published object
  // does not expire (ttl_for) before its own put has landed. Never blocks.
  void publish(const std::string& key, const ObjectPtr& object);
  // A published object whose put will never run (the writer's queue dropped
  // it): forgotten, unless a newer one replaced it, so the next read asks the
  // inner store instead of serving it forever. Never blocks.
  void unpublish(const std::string& key, const ObjectPtr& object);
  // Called (on the publishing thread, without locks) for every published object.
  using PublishListener = std::function<void(const std::string& key, const ObjectPtr& object)>;
  void set_publish_listener(PublishListener listener);
  // Reads `key` from the inner store on `background`, bypassing the cache (and
  // leaving it as it is): for following objects another node writes.
  void get_fresh_async(const std::string& key, GetCallback done);
  // Blocks on a miss (reads inline, or waits for a concurrent reader).
  Result<ObjectPtr> get(const std::string& key) override;
  // Never blocks: a miss is read on `background` (or joins a read in flight).
  void get_async(const std::string& key, GetCallback done) override;
  // The inner store's range, never cached (nor served from the cache: the
  // objects read this way are the ones too large for it).
  Result<ObjectRange> get_range(const std::string& key, uint64_t offset, size_t length) override;
  // get_range on `background`.
  void get_range_async(const std::string& key, uint64_t offset, size_t length,
                       RangeCallback done) override;
  // The inner store's put_file, then evicts the key (the file is not read
  // here: it may be gigabytes).
  Status put_file(const std::string& key, const std::filesystem::path& file,
                  const PutOptions& options) override;
  Status remove(const std::string& key) override;
  Status remove_prefix(const std::string& prefix) override;
  // The inner store's batch (S3: DeleteObjects), then evicts each key.
  Status remove_many(const std::vector<std::string>& keys) override;

  CacheStats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string key;
    ObjectPtr object;  // null: a remembered NotFound
    std::optional<Clock::time_point> expires;
    size_t charge = 0;       // what it counts against max_bytes
    bool published = false;  // by publish(), its put not yet completed
  };
  using Lru = std::list<Entry>;  // front = most recently used
  struct Fill {
    uint64_t ticket = 0;
    std::vector<GetCallback> waiters;  // the reader's own first
  };
  struct PutInFlight {
    std::string key;
    bool raced_removal = false;  // a remove_prefix covering the key finished meanwhile
  };

  // Serialises the writes of one key, and only of that key: a put that hangs
  // in the inner store never holds up another key's (another stream's) write.
  class KeyWriteLock;
  struct KeyLockEntry {
    std::mutex mutex;
    size_t users = 0;  // under mutex_; the entry goes with its last user
  };

  Clock::time_point now() const;
  std::optional<std::chrono::milliseconds> ttl_of(const std::string& key) const;
  void insert_locked(const std::string& key, ObjectPtr object,
                     std::optional<std::chrono::milliseconds> ttl);
  void erase_locked(const std::string& key);
  // On `background`, or inline when there is none.
  void in_background(std::function<void()> job) const;
  void cache_answer_locked(const std::string& key, const Result<ObjectPtr>& answer);
  void start_get(const std::string& key, GetCallback done,
                 const std::function<void(std::function<void()>)>& background);
  void finish_fill(const std::string& key, uint64_t ticket, Result<ObjectPtr> answer);
  // A write makes a fill in flight stale: its answer still goes to its waiters
  // but is not cached, and later misses start a fresh read.
  void orphan_fill_locked(std::unordered_map<std::string, Fill>::iterator fill);
  // After a write of `key`: its cached copy and any fill in flight are stale.
  void forget_locked(const std::string& key);

  ObjectStore& inner_;
  const CacheOptions options_;
  const size_t max_bytes_;

  mutable std::mutex mutex_;  // guards everything below
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> index_;
  // Misses being read from the inner store, by key: later misses wait for the
  // answer; a write of the key erases the ticket, telling the reader that what
  // it read may be stale (it is returned, not cached).
  std::unordered_map<std::string, Fill> fills_;
  std::unordered_map<uint64_t, Fill> orphans_;  // stale fills, by ticket
  uint64_t next_fill_ = 0;
  std::unordered_map<uint64_t, PutInFlight> puts_in_flight_;  // by ticket
  std::unordered_map<std::string, std::unique_ptr<KeyLockEntry>> key_locks_;
  uint64_t next_put_ = 0;
  size_t bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  uint64_t coalesced_ = 0;
  PublishListener publish_listener_;
};

}  // namespace antcdn::storage
