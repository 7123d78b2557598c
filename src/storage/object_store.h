#pragma once

// SEAM: named byte objects. Keys are relative paths like
// "lse_.../720p/init-abc.mp4" (see DESIGN.md, Storage layout). Implementations:
// local disk (atomic temp + rename), in-memory caching decorator, S3.
// Every method is thread-safe.
//
// An object is immutable and shared: the packager builds a segment once, and
// the write queue (every retry), the cache and the edge's responses all hold
// the same bytes. Nothing on the write path copies them.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::storage {

struct PutOptions {
  std::string content_type;   // e.g. "application/vnd.apple.mpegurl"
  std::string cache_control;  // what the edge/CDN should send, e.g. "max-age=1"
};

struct StoredObject {
  Bytes data;
  PutOptions options;
};

using ObjectPtr = std::shared_ptr<const StoredObject>;

// A piece of an object (ObjectStore::get_range).
struct ObjectRange {
  Bytes data;               // at most the length asked; shorter at the object's end
  uint64_t total_size = 0;  // the whole object's size
};

// Wraps freshly built bytes; the only place an object's payload is moved in.
inline ObjectPtr make_object(Bytes data, PutOptions options = {}) {
  return std::make_shared<const StoredObject>(StoredObject{std::move(data), std::move(options)});
}

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Stores `object` (never null) under `key`; a store may keep the pointer itself.
  virtual Status put(const std::string& key, const ObjectPtr& object) = 0;
  // NotFound when absent.
  virtual Result<ObjectPtr> get(const std::string& key) = 0;
  // Removing a missing key is not an error.
  virtual Status remove(const std::string& key) = 0;
  // Removes every object whose key starts with `prefix`, as S3 does: "lse_x/"
  // removes that stream's tree. An invalid prefix (see is_valid_prefix) is
  // InvalidArgument, so a bug can never wipe the whole store with "".
  virtual Status remove_prefix(const std::string& prefix) = 0;
  // Removes every key of `keys` (missing ones are not an error). This one
  // removes them one by one; a store that can remove many in one request
  // (S3 DeleteObjects) overrides it.
  virtual Status remove_many(const std::vector<std::string>& keys);

  // Bytes [offset, offset + length) of `key`, and the object's size: fewer at
  // its end, none from an offset at or past it (length 0 asks only the size).
  // NotFound when absent. For objects too large to read whole (a recording's
  // MP4). This one reads the whole object (get()) and slices it; DiskStore
  // (pread) and S3Store (a GET with Range) read just the range.
  virtual Result<ObjectRange> get_range(const std::string& key, uint64_t offset, size_t length);
  // Stores the local file `file` under `key` without holding it in memory
  // where the store can. The file may be gone afterwards (DiskStore renames
  // it into place); a caller removes it if it is still there. This one reads
  // it whole and calls put() (MemoryStore); DiskStore renames (or copies, across
  // file systems), S3Store uploads it in parts.
  virtual Status put_file(const std::string& key, const std::filesystem::path& file,
                          const PutOptions& options);
};

// A key is one or more segments of [A-Za-z0-9._-], separated by '/', none of
// them "." or "..", so it can never leave the store's root.
bool is_valid_key(std::string_view key);

// A valid key, optionally followed by one '/' ("lse_x/" or "lse_x/720p").
bool is_valid_prefix(std::string_view prefix);

// InvalidArgument for an invalid key or a null object, as every put() checks.
Status check_put(const std::string& key, const ObjectPtr& object);

// Bytes [offset, offset + length) of `data` (fewer at its end) and its size.
ObjectRange slice_range(const Bytes& data, uint64_t offset, size_t length);

// The whole of a local file (ObjectStore::put_file's fallback); Unavailable
// with the errno text when it cannot be read.
Result<Bytes> read_whole_file(const std::filesystem::path& file);

}  // namespace antcdn::storage
