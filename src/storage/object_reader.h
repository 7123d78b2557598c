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
// Receives a get_range_async answer, on the thread that read the range.
using RangeCallback = std::function<void(Result<ObjectRange>)>;

class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Never blocks. NotFound when absent.
  virtual void get_async(const std::string& key, GetCallback done) = 0;
  // Never blocks: ObjectStore::get_range, read on a thread that may block and
  // never cached (a download of a large file passes through in pieces).
  virtual void get_range_async(const std::string& key, uint64_t offset, size_t length,
                               RangeCallback done) = 0;
};

}  // namespace antcdn::storage
