#pragma once

// Opens the object store named by --storage (file://DIR or
// s3://BUCKET/PREFIX?endpoint=URL&region=REGION) and the memory cache in front
// of it, shaped by this node's roles.

#include <memory>

#include "app/config.h"
#include "storage/cached_store.h"

namespace antcdn::app {

struct MediaStore {
  std::unique_ptr<storage::ObjectStore> origin;  // disk or bucket
  std::unique_ptr<storage::CachedStore> cache;   // what the stages use
};

// S3 credentials come from the config (main.cc reads them from the environment).
// A bucket that refuses the credentials fails here; one that is unreachable
// only logs, since uploads retry and the store may come up later.
Result<MediaStore> open_media_store(const Config& config);

}  // namespace antcdn::app
