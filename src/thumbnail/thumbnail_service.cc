#include "thumbnail/thumbnail_service.h"

#include <cmath>
#include <ctime>
#include <utility>

#include <spdlog/spdlog.h>

#include "thumbnail/keyframe_renderer.h"
#include "thumbnail/segment_choice.h"

namespace antcdn::thumbnail {
namespace {

// Storage answers become the thumbnail's: a missing object is NotFound, any
// other failure Unavailable (retry), named after the object.
Error storage_error(const std::string& key, const Error& e) {
  Code code = e.code == Code::NotFound ? Code::NotFound : Code::Unavailable;
  return make_error(code, "thumbnail: reading " + key + ": " + e.describe());
}

std::string_view text_of(const storage::ObjectPtr& object) {
  return as_chars(object->data);
}

// CPU time of the calling thread: what a render costs, whatever else runs.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

struct ThumbnailService::Job {
  ThumbnailRequest request;
  std::string cache_key;
};

std::string thumbnail_cache_key(const ThumbnailRequest& request) {
  std::string time =
      request.time_s ? std::to_string(std::llround(*request.time_s * 1000)) : std::string("live");
  return request.master_key + "|" + time + "|" + std::to_string(request.width);
}

ThumbnailService::ThumbnailService(storage::ObjectReader& objects, ThumbnailOptions options)
    : objects_(objects),
      render_on_(std::move(options.render_on)),
      metrics_(options.metrics),
      cache_(std::move(options.cache)) {}

void ThumbnailService::render_async(const ThumbnailRequest& request, ThumbnailCallback done) {
  auto job = std::make_shared<Job>(Job{request, thumbnail_cache_key(request)});
  if (!cache_.join(job->cache_key, std::move(done))) {
    return;
  }
  const std::string& master_key = job->request.master_key;
  objects_.get_async(master_key, [this, job](Result<storage::ObjectPtr> master) {
    if (!master.ok()) {
      finish(*job, storage_error(job->request.master_key, master.error()));
      return;
    }
    auto uri = top_variant_uri(text_of(*master));
    auto media_key = uri.ok() ? resolve_key(job->request.master_key, *uri) : uri;
    if (!media_key.ok()) {
      finish(*job, media_key.error());
      return;
    }
    read_media_playlist(job, std::move(*media_key));
  });
}

void ThumbnailService::read_media_playlist(std::shared_ptr<Job> job, std::string media_key) {
  objects_.get_async(media_key, [this, job, media_key](Result<storage::ObjectPtr> media) {
    if (!media.ok()) {
      finish(*job, storage_error(media_key, media.error()));
      return;
    }
    auto choice = choose_segment(text_of(*media), job->request.time_s);
    if (!choice.ok()) {
      finish(*job, choice.error());
      return;
    }
    auto init_key = resolve_key(media_key, choice->init_uri);
    auto segment_key = resolve_key(media_key, choice->segment_uri);
    if (!init_key.ok() || !segment_key.ok()) {
      finish(*job, init_key.ok() ? segment_key.error() : init_key.error());
      return;
    }
    read_objects(job, std::move(*init_key), std::move(*segment_key));
  });
}

void ThumbnailService::read_objects(std::shared_ptr<Job> job, std::string init_key,
                                    std::string segment_key) {
  objects_.get_async(init_key, [this, job, init_key, segment_key](Result<storage::ObjectPtr> init) {
    if (!init.ok()) {
      finish(*job, storage_error(init_key, init.error()));
      return;
    }
    objects_.get_async(segment_key,
                       [this, job, segment_key, init = *init](Result<storage::ObjectPtr> segment) {
                         if (!segment.ok()) {
                           finish(*job, storage_error(segment_key, segment.error()));
                           return;
                         }
                         render(job, init, *segment);
                       });
  });
}

void ThumbnailService::render(std::shared_ptr<Job> job, storage::ObjectPtr init,
                              storage::ObjectPtr segment) {
  auto work = [this, job, init = std::move(init), segment = std::move(segment)] {
    double cpu0 = thread_cpu_seconds();
    auto jpeg = render_keyframe_jpeg(init->data, segment->data, job->request.width);
    if (metrics_ != nullptr) {
      metrics_->render_cpu_seconds.observe(thread_cpu_seconds() - cpu0);
      metrics_->failed_renders.inc(jpeg.ok() ? 0 : 1);
    }
    if (!jpeg.ok()) {
      spdlog::warn("thumbnail: {}: {}", job->request.master_key, jpeg.error().describe());
      finish(*job, jpeg.error());
      return;
    }
    finish(*job, Jpeg(std::make_shared<const Bytes>(std::move(*jpeg))));
  };
  if (render_on_) {
    render_on_(std::move(work));
  } else {
    work();
  }
}

void ThumbnailService::finish(const Job& job, const Result<Jpeg>& result) {
  cache_.finish(job.cache_key, result);
}

}  // namespace antcdn::thumbnail
