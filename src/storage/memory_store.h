#pragma once

// ObjectStore in a map: for unit tests of the stages that write or read media
// (package, edge) and for runs that need no persistence. Same key rules and
// prefix semantics as DiskStore; keeps PutOptions.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/object_store.h"

namespace antcdn::storage {

class MemoryStore final : public ObjectStore {
 public:
  Status put(const std::string& key, const ObjectPtr& object) override;
  Result<ObjectPtr> get(const std::string& key) override;
  Status remove(const std::string& key) override;
  Status remove_prefix(const std::string& prefix) override;

  // Every key, sorted.
  std::vector<std::string> keys() const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ObjectPtr, std::less<>> objects_;
};

}  // namespace antcdn::storage
