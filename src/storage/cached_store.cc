#include "storage/cached_store.h"

#include <functional>
#include <future>
#include <iterator>
#include <utility>

#include "common/blocking.h"

namespace antcdn::storage {

namespace {

// A remembered NotFound holds no payload but must still count, or polling
// random names could grow the cache without bound.
constexpr size_t kNegativeEntryCharge = 64;

}  // namespace

CachedStore::CachedStore(ObjectStore& inner, size_t max_bytes)
    : CachedStore(inner, CacheOptions{.max_bytes = max_bytes}) {}

CachedStore::CachedStore(ObjectStore& inner, CacheOptions options)
    : inner_(inner), options_(std::move(options)), max_bytes_(options_.max_bytes) {}

std::optional<std::chrono::milliseconds> CachedStore::ttl_of(const std::string& key) const {
  return options_.ttl_for ? options_.ttl_for(key) : std::nullopt;
}

CachedStore::Clock::time_point CachedStore::now() const {
  return options_.now ? options_.now() : Clock::now();
}

class CachedStore::KeyWriteLock {
 public:
  KeyWriteLock(CachedStore& cache, const std::string& key) : cache_(cache), key_(key) {
    {
      std::lock_guard lock(cache_.mutex_);
      auto& entry = cache_.key_locks_[key_];
      if (!entry) {
        entry = std::make_unique<KeyLockEntry>();
      }
      ++entry->users;
      entry_ = entry.get();  // stable: the entry lives while it has users
    }
    entry_->mutex.lock();
  }
  ~KeyWriteLock() {
    entry_->mutex.unlock();
    std::lock_guard lock(cache_.mutex_);
    if (--entry_->users == 0) {
      cache_.key_locks_.erase(key_);
    }
  }
  KeyWriteLock(const KeyWriteLock&) = delete;
  KeyWriteLock& operator=(const KeyWriteLock&) = delete;

 private:
  CachedStore& cache_;
  const std::string& key_;
  KeyLockEntry* entry_ = nullptr;
};

Status CachedStore::put(const std::string& key, const ObjectPtr& object) {
  assert_may_block("CachedStore write");
  KeyWriteLock write_lock(*this, key);
  uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    ticket = ++next_put_;
    puts_in_flight_.emplace(ticket, PutInFlight{key, false});
  }
  Status s = inner_.put(key, object);
  std::lock_guard lock(mutex_);
  auto in_flight = puts_in_flight_.extract(ticket);
  if (auto fill = fills_.find(key); fill != fills_.end()) {
    orphan_fill_locked(fill);
  }
  // After a failed put the inner store may hold the old object or none: forget
  // it. After a remove_prefix that ran meanwhile it may hold either too.
  auto cached = index_.find(key);
  if (s.ok() && cached != index_.end() && cached->second->published &&
      cached->second->object != object) {
    return s;  // a newer object of the key was published meanwhile (writes are FIFO per key)
  }
  if (!s.ok() || object->data.size() > max_bytes_ || in_flight.mapped().raced_removal) {
    erase_locked(key);
  } else {
    insert_locked(key, object, ttl_of(key));  // the writer's bytes themselves, not a copy
  }
  return s;
}

void CachedStore::publish(const std::string& key, const ObjectPtr& object) {
  PublishListener listener;
  {
    std::lock_guard lock(mutex_);
    if (auto fill = fills_.find(key); fill != fills_.end()) {
      orphan_fill_locked(fill);
    }
    if (object->data.size() <= max_bytes_) {
      insert_locked(key, object, ttl_of(key));
      if (auto it = index_.find(key); it != index_.end()) {
        it->second->published = true;
      }
    }
    listener = publish_listener_;
  }
  if (listener) {
    listener(key, object);
  }
}

void CachedStore::unpublish(const std::string& key, const ObjectPtr& object) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key);
      it != index_.end() && it->second->published && it->second->object == object) {
    erase_locked(key);
  }
}

void CachedStore::set_publish_listener(PublishListener listener) {
  std::lock_guard lock(mutex_);
  publish_listener_ = std::move(listener);
}

void CachedStore::in_background(std::function<void()> job) const {
  if (options_.background) {
    options_.background(std::move(job));
  } else {
    job();
  }
}

void CachedStore::get_fresh_async(const std::string& key, GetCallback done) {
  in_background([this, key, done = std::move(done)] { done(inner_.get(key)); });
}

Result<ObjectRange> CachedStore::get_range(const std::string& key, uint64_t offset, size_t length) {
  assert_may_block("CachedStore::get_range");
  return inner_.get_range(key, offset, length);
}

void CachedStore::get_range_async(const std::string& key, uint64_t offset, size_t length,
                                  RangeCallback done) {
  in_background([this, key, offset, length, done = std::move(done)] {
    done(inner_.get_range(key, offset, length));
  });
}

Status CachedStore::put_file(const std::string& key, const std::filesystem::path& file,
                             const PutOptions& options) {
  assert_may_block("CachedStore write");
  KeyWriteLock write_lock(*this, key);
  Status s = inner_.put_file(key, file, options);
  std::lock_guard lock(mutex_);
  forget_locked(key);
  return s;
}

Result<ObjectPtr> CachedStore::get(const std::string& key) {
  assert_may_block("CachedStore::get");
  std::promise<Result<ObjectPtr>> answer;
  auto future = answer.get_future();
  start_get(
      key, [&answer](Result<ObjectPtr> r) { answer.set_value(std::move(r)); }, nullptr);
  return future.get();
}

void CachedStore::get_async(const std::string& key, GetCallback done) {
  start_get(key, std::move(done), options_.background);
}

void CachedStore::start_get(const std::string& key, GetCallback done,
                            const std::function<void(std::function<void()>)>& background) {
  uint64_t ticket = 0;
  {
    std::unique_lock lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      // A published object whose put has not landed outlives its TTL: the
      // inner store still holds an older one (or none).
      if (!it->second->expires || now() < *it->second->expires || it->second->published) {
        lru_.splice(lru_.begin(), lru_, it->second);
        ++hits_;
        ObjectPtr object = it->second->object;
        lock.unlock();
        if (!object) {
          done(make_error(Code::NotFound, "no object " + key));
        } else {
          done(std::move(object));
        }
        return;
      }
      erase_locked(key);
    }
    if (auto fill = fills_.find(key); fill != fills_.end()) {
      ++coalesced_;
      fill->second.waiters.push_back(std::move(done));
      return;
    }
    ++misses_;
    ticket = ++next_fill_;
    Fill& fill = fills_[key];
    fill.ticket = ticket;
    fill.waiters.push_back(std::move(done));
  }
  // Not under the lock: a slow disk or S3 read must not stall every hit.
  auto read = [this, key, ticket] { finish_fill(key, ticket, inner_.get(key)); };
  if (background) {
    background(std::move(read));
  } else {
    read();
  }
}

void CachedStore::finish_fill(const std::string& key, uint64_t ticket, Result<ObjectPtr> answer) {
  std::vector<GetCallback> waiters;
  {
    std::lock_guard lock(mutex_);
    auto fill = fills_.find(key);
    if (fill != fills_.end() && fill->second.ticket == ticket) {
      waiters = std::move(fill->second.waiters);
      fills_.erase(fill);
      cache_answer_locked(key, answer);
    } else if (auto orphan = orphans_.find(ticket); orphan != orphans_.end()) {
      waiters = std::move(orphan->second.waiters);
      orphans_.erase(orphan);
    }
  }
  for (auto& w : waiters) {
    w(answer);
  }
}

void CachedStore::forget_locked(const std::string& key) {
  if (auto fill = fills_.find(key); fill != fills_.end()) {
    orphan_fill_locked(fill);
  }
  erase_locked(key);
}

void CachedStore::orphan_fill_locked(std::unordered_map<std::string, Fill>::iterator fill) {
  orphans_.emplace(fill->second.ticket, std::move(fill->second));
  fills_.erase(fill);
}

void CachedStore::cache_answer_locked(const std::string& key, const Result<ObjectPtr>& answer) {
  if (answer.ok()) {
    if ((*answer)->data.size() <= max_bytes_) {
      insert_locked(key, *answer, ttl_of(key));
    }
  } else if (answer.error().code == Code::NotFound && options_.negative_ttl.count() > 0) {
    insert_locked(key, nullptr, options_.negative_ttl);
  }
}

Status CachedStore::remove(const std::string& key) {
  assert_may_block("CachedStore write");
  KeyWriteLock write_lock(*this, key);
  Status s = inner_.remove(key);
  // Evict even on failure: a later miss simply reads whatever the inner store has.
  std::lock_guard lock(mutex_);
  forget_locked(key);
  return s;
}

Status CachedStore::remove_many(const std::vector<std::string>& keys) {
  assert_may_block("CachedStore write");
  Status s = inner_.remove_many(keys);
  std::lock_guard lock(mutex_);
  for (const auto& key : keys) {
    forget_locked(key);
  }
  return s;
}

Status CachedStore::remove_prefix(const std::string& prefix) {
  assert_may_block("CachedStore write");
  // No write lock: the inner removal may list a bucket for seconds, and puts of
  // other streams must not wait for it. A put that overlaps it is not cached
  // (marked below), so the cache never holds what the removal deleted.
  Status s = inner_.remove_prefix(prefix);
  if (!s.ok() && s.error().code == Code::InvalidArgument) {
    return s;  // nothing was removed, so nothing to evict ("" would match all)
  }
  std::lock_guard lock(mutex_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    if (it->key.starts_with(prefix)) {
      bytes_ -= it->charge;
      index_.erase(it->key);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto fill = fills_.begin(); fill != fills_.end();) {
    auto next = std::next(fill);
    if (fill->first.starts_with(prefix)) {
      orphan_fill_locked(fill);
    }
    fill = next;
  }
  for (auto& [ticket, put] : puts_in_flight_) {
    put.raced_removal = put.raced_removal || put.key.starts_with(prefix);
  }
  return s;
}

CacheStats CachedStore::stats() const {
  std::lock_guard lock(mutex_);
  return CacheStats{hits_, misses_, coalesced_, bytes_, index_.size()};
}

void CachedStore::insert_locked(const std::string& key, ObjectPtr object,
                                std::optional<std::chrono::milliseconds> ttl) {
  erase_locked(key);
  size_t charge = object ? object->data.size() : key.size() + kNegativeEntryCharge;
  std::optional<Clock::time_point> expires;
  if (ttl) {
    expires = now() + *ttl;
  }
  bytes_ += charge;
  lru_.push_front(Entry{key, std::move(object), expires, charge});
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
  bytes_ -= it->second->charge;
  lru_.erase(it->second);
  index_.erase(it);
}

}  // namespace antcdn::storage
