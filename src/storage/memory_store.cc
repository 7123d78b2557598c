#include "storage/memory_store.h"

#include <utility>

namespace antcdn::storage {

Status MemoryStore::put(const std::string& key, const ObjectPtr& object) {
  if (Status s = check_put(key, object); !s.ok()) {
    return s;
  }
  std::lock_guard lock(mutex_);
  objects_[key] = object;  // shared, not copied: objects are immutable
  return {};
}

Result<ObjectPtr> MemoryStore::get(const std::string& key) {
  if (!is_valid_key(key)) {
    return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
  }
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return make_error(Code::NotFound, "no object \"" + key + "\"");
  }
  return it->second;
}

Status MemoryStore::remove(const std::string& key) {
  if (!is_valid_key(key)) {
    return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
  }
  std::lock_guard lock(mutex_);
  objects_.erase(key);
  return {};
}

Status MemoryStore::remove_prefix(const std::string& prefix) {
  if (!is_valid_prefix(prefix)) {
    return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
  }
  std::lock_guard lock(mutex_);
  // Keys sharing a prefix are contiguous in a sorted map.
  auto it = objects_.lower_bound(prefix);
  while (it != objects_.end() && it->first.starts_with(prefix)) {
    it = objects_.erase(it);
  }
  return {};
}

std::vector<std::string> MemoryStore::keys() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) {
    out.push_back(key);
  }
  return out;
}

size_t MemoryStore::size() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

}  // namespace antcdn::storage
