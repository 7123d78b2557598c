#pragma once

// SEAM: reading objects without waiting. The edge serves viewers through it
// (CachedStore implements it): a hit answers at once, a miss answers later
// from whichever thread read the object, and no thread waits meanwhile.

#include <functional>
#include <string>

#include "storage/object_store.h"

namespace antcdn::storage {

// Receives a get_async answer: at once on the caller's thread for a hit,
// otherwise on the thread that finished the read.
using GetCallback = std::function<void(Result<ObjectPtr>)>;

class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Never blocks. NotFound when absent.
  virtual void get_async(const std::string& key, GetCallback done) = 0;
};

}  // namespace antcdn::storage
