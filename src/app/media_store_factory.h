#pragma once

// Opens the object store named by --storage (file://DIR or
// s3://BUCKET/PREFIX?endpoint=URL&region=REGION) and the memory cache in front
// of it, shaped by this node's roles.

#include <filesystem>
#include <functional>
#include <memory>

#include "app/config.h"
#include "storage/cached_store.h"

namespace antcdn::app {

struct MediaStore {
  std::unique_ptr<storage::ObjectStore> origin;  // disk or bucket
  std::unique_ptr<storage::CachedStore> cache;   // what the stages use
  // Where large objects are built before put_file (a recording's MP4): under
  // the disk store's root (a rename stores it), else empty (the system's temp
  // directory).
  std::filesystem::path staging_dir;
};

// S3 credentials come from the config (main.cc reads them from the environment).
// A bucket that refuses the credentials fails here; one that is unreachable
// only logs, since uploads retry and the store may come up later.
// Where the cache reads the origin for the edge (a pool that may block).
using Background = std::function<void(std::function<void()>)>;
Result<MediaStore> open_media_store(const Config& config, Background background);

}  // namespace antcdn::app
