#include "storage/cached_store.h"

#include <functional>
#include <utility>

namespace antcdn::storage {

CachedStore::CachedStore(ObjectStore& inner, size_t max_bytes)
    : inner_(inner), max_bytes_(max_bytes) {}

std::mutex& CachedStore::write_lock_for(const std::string& key) {
  return write_locks_[std::hash<std::string>{}(key) % kWriteStripes];
}

Status CachedStore::put(const std::string& key, Bytes data, const PutOptions& options) {
  std::lock_guard write_lock(write_lock_for(key));
  ObjectPtr copy;
  if (data.size() <= max_bytes_) {
    copy = std::make_shared<const StoredObject>(StoredObject{data, options});
  }
  Status s = inner_.put(key, std::move(data), options);
  std::lock_guard lock(mutex_);
  fills_.erase(key);
  // After a failed put the inner store may hold the old object or none: forget it.
  if (!s.ok() || !copy) {
    erase_locked(key);
  } else {
    insert_locked(key, std::move(copy));
  }
  return s;
}

Result<ObjectPtr> CachedStore::get(const std::string& key) {
  uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->object;
    }
    ++misses_;
    ticket = ++next_fill_;
    fills_[key] = ticket;
  }
  // Not under the lock: a slow disk or S3 read must not stall every hit.
  Result<ObjectPtr> result = inner_.get(key);
  std::lock_guard lock(mutex_);
  auto fill = fills_.find(key);
  bool fresh = fill != fills_.end() && fill->second == ticket;
  if (fresh) {
    fills_.erase(fill);
  }
  if (fresh && result.ok() && (*result)->data.size() <= max_bytes_) {
    insert_locked(key, *result);
  }
  return result;
}

Status CachedStore::remove(const std::string& key) {
  std::lock_guard write_lock(write_lock_for(key));
  Status s = inner_.remove(key);
  // Evict even on failure: a later miss simply reads whatever the inner store has.
  std::lock_guard lock(mutex_);
  fills_.erase(key);
  erase_locked(key);
  return s;
}

Status CachedStore::remove_prefix(const std::string& prefix) {
  // Every stripe, in a fixed order: the prefix may cover keys of all of them.
  std::array<std::unique_lock<std::mutex>, kWriteStripes> write_locks;
  for (size_t i = 0; i < kWriteStripes; ++i) {
    write_locks[i] = std::unique_lock(write_locks_[i]);
  }
  Status s = inner_.remove_prefix(prefix);
  if (!s.ok() && s.error().code == Code::InvalidArgument) {
    return s;  // nothing was removed, so nothing to evict ("" would match all)
  }
  std::lock_guard lock(mutex_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    if (it->key.starts_with(prefix)) {
      bytes_ -= it->object->data.size();
      index_.erase(it->key);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(fills_, [&](const auto& f) { return f.first.starts_with(prefix); });
  return s;
}

CacheStats CachedStore::stats() const {
  std::lock_guard lock(mutex_);
  return CacheStats{hits_, misses_, bytes_, index_.size()};
}

void CachedStore::insert_locked(const std::string& key, ObjectPtr object) {
  erase_locked(key);
  bytes_ += object->data.size();
  lru_.push_front(Entry{key, std::move(object)});
  index_.emplace(key, lru_.begin());
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    std::string victim = lru_.back().key;  // a copy: erasing frees the entry's own
    erase_locked(victim);
  }
}

void CachedStore::erase_locked(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    return;
  }
  bytes_ -= it->second->object->data.size();
  lru_.erase(it->second);
  index_.erase(it);
}

}  // namespace antcdn::storage
