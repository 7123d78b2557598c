#pragma once

// ThumbnailSource over the object store: reads the master playlist, the top
// variant's media playlist, the chosen segment and its init section through
// ObjectReader::get_async (never waiting), then renders on `render_on` (a
// pool that may take tens of milliseconds, never an event loop). Answers are
// shared through a RenderCache: one render per (playlist, time, width) at a
// time, kept `ttl`.

#include <functional>
#include <memory>
#include <string>

#include "storage/object_reader.h"
#include "thumbnail/render_cache.h"
#include "thumbnail/thumbnail_metrics.h"
#include "thumbnail/thumbnail_source.h"

namespace antcdn::thumbnail {

struct ThumbnailOptions {
  RenderCacheOptions cache;
  // Runs a render (CPU, ~5-15 ms); inline when empty (tests).
  std::function<void(std::function<void()>)> render_on;
  ThumbnailMetrics* metrics = nullptr;  // optional, borrowed
};

class ThumbnailService final : public ThumbnailSource {
 public:
  // `objects` is borrowed and must outlive the service.
  ThumbnailService(storage::ObjectReader& objects, ThumbnailOptions options);

  void render_async(const ThumbnailRequest& request, ThumbnailCallback done) override;

 private:
  struct Job;
  void read_media_playlist(std::shared_ptr<Job> job, std::string media_key);
  void read_objects(std::shared_ptr<Job> job, std::string init_key, std::string segment_key);
  void render(std::shared_ptr<Job> job, storage::ObjectPtr init, storage::ObjectPtr segment);
  void finish(const Job& job, const Result<Jpeg>& result);

  storage::ObjectReader& objects_;
  std::function<void(std::function<void()>)> render_on_;
  ThumbnailMetrics* metrics_;
  RenderCache cache_;
};

// The cache key of a request: "{master}|{time ms or live}|{width}".
std::string thumbnail_cache_key(const ThumbnailRequest& request);

}  // namespace antcdn::thumbnail
