#include "app/media_store_factory.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "edge/cache_policy.h"
#include "storage/disk_store.h"
#include "storage/s3/s3_store.h"

namespace antcdn::app {
namespace {

Result<std::unique_ptr<storage::ObjectStore>> open_s3(const Config& config) {
  auto location = storage::s3::parse_s3_location(config.storage_url());
  if (!location.ok()) {
    return location.error();
  }
  // Config::validate() made sure both are there.
  storage::s3::S3StoreOptions options;
  options.part_bytes = static_cast<uint64_t>(config.s3_part_size_mib) << 20;
  auto s3 = std::make_unique<storage::s3::S3Store>(
      std::move(*location),
      storage::s3::S3Credentials{config.s3_access_key_id, config.s3_secret_access_key}, options);
  if (Status ready = s3->ensure_bucket(); !ready.ok()) {
    if (ready.error().code != Code::Unavailable) {
      return ready.error();
    }
    spdlog::warn("storage: the bucket is not reachable yet ({}); uploads will retry",
                 ready.error().describe());
  }
  return std::unique_ptr<storage::ObjectStore>(std::move(s3));
}

// Whatever the edge does not serve as immutable (playlists) is read again a
// second after this node last wrote or read it: another node may write it too
// (an edge on a bucket others fill; on a node with the ingest role as well, a
// stream another ingest node packages, or a session, live or recorded, it took
// over from this one). This node's own write is served from memory as soon as
// it is queued, and while it is in flight it does not expire (CachedStore).
// Every serving node remembers misses for a second (bounded by the cache's
// size, and replaced by a write of the key), so polling for something that is
// not there cannot hammer the origin.
storage::CacheOptions cache_options(const Config& config, Background background) {
  storage::CacheOptions o;
  o.background = std::move(background);
  if (!config.has_role("edge")) {
    o.max_bytes = 0;  // nobody reads through it
  }
  o.ttl_for = [](std::string_view key) -> std::optional<std::chrono::milliseconds> {
    if (edge::headers_for_key(key).cache_control == edge::kImmutableCacheControl) {
      return std::nullopt;  // init sections and segments never change under one name
    }
    return std::chrono::milliseconds(1000);
  };
  o.negative_ttl = std::chrono::milliseconds(1000);
  return o;
}

}  // namespace

Result<MediaStore> open_media_store(const Config& config, Background background) {
  const std::string url = config.storage_url();
  MediaStore media;
  if (url.starts_with("file://")) {
    auto disk =
        std::make_unique<storage::DiskStore>(url.substr(std::string_view("file://").size()));
    // Writes cut short by a crash or kill -9 left their temp files behind.
    auto swept = disk->sweep_temp_files(std::filesystem::file_time_type::clock::now());
    if (!swept.ok()) {
      spdlog::warn("storage: {}", swept.error().describe());
    } else {
      spdlog::info("storage: removed {} temp files of interrupted writes", *swept);
    }
    media.staging_dir = disk->staging_dir();
    media.origin = std::move(disk);
  } else {
    auto s3 = open_s3(config);
    if (!s3.ok()) {
      return s3.error();
    }
    media.origin = std::move(*s3);
  }
  media.cache = std::make_unique<storage::CachedStore>(
      *media.origin, cache_options(config, std::move(background)));
  return media;
}

}  // namespace antcdn::app
