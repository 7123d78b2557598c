// How many segments per second the upload path (WriteQueue -> S3Store) sustains
// against an S3 endpoint, next to the same queue writing to local disk, for one
// stream (strictly sequential) and for STREAMS streams (spread over the queue's
// workers). Prints one JSON line per run.
//
//   upload_bench ENDPOINT SEGMENTS SEGMENT_BYTES DISK_DIR STREAMS
//
// S3 credentials come from ANTCDN_S3_ACCESS_KEY_ID / ANTCDN_S3_SECRET_ACCESS_KEY;
// bench/object_store.sh starts Swift and runs this.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/crypto.h"
#include "storage/disk_store.h"
#include "storage/s3/s3_store.h"
#include "storage/write_queue.h"

using namespace antcdn;

namespace {

// Puts `count` segments and a playlist after each, as the packager does, and
// waits for the queue to drain.
void run(const char* name, storage::ObjectStore& store, int count, size_t bytes, int streams) {
  storage::WriteQueue queue(store, storage::WriteQueueOptions{});
  // Shared by every put, as the packager's one object is by the queue and cache.
  auto segment = storage::make_object(crypto::random_bytes(bytes), {"video/mp4", ""});
  auto playlist =
      storage::make_object(Bytes(600, std::byte{'#'}), {"application/vnd.apple.mpegurl", ""});
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    std::string dir = "bench" + std::to_string(i % streams) + "/source/";
    Status s = queue.put(dir + "s-" + std::to_string(i) + ".m4s", segment);
    Status p = queue.put(dir + "index.m3u8", playlist);
    if (!s.ok() || !p.ok()) {
      std::fprintf(stderr, "queue refused a job\n");
      std::exit(1);
    }
  }
  queue.flush();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto stats = queue.stats();
  std::printf(
      "{\"target\":\"%s\",\"streams\":%d,\"segments\":%d,\"segment_bytes\":%zu,\"seconds\":%.2f,"
      "\"segments_per_s\":%.1f,\"mbit_per_s\":%.1f,\"failed\":%llu,\"retries\":%llu}\n",
      name, streams, count, bytes, seconds, count / seconds, count * bytes * 8 / seconds / 1e6,
      static_cast<unsigned long long>(stats.failed_jobs),
      static_cast<unsigned long long>(stats.retries));
  std::fflush(stdout);
  for (int i = 0; i < streams; ++i) {
    (void)store.remove_prefix("bench" + std::to_string(i) + "/");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s ENDPOINT SEGMENTS SEGMENT_BYTES DISK_DIR STREAMS\n", argv[0]);
    return 2;
  }
  const int count = std::atoi(argv[2]);
  const size_t bytes = std::strtoull(argv[3], nullptr, 10);
  auto location = storage::s3::parse_s3_location(std::string("s3://bench?endpoint=") + argv[1]);
  const char* id = std::getenv("ANTCDN_S3_ACCESS_KEY_ID");
  const char* secret = std::getenv("ANTCDN_S3_SECRET_ACCESS_KEY");
  if (!location.ok() || id == nullptr || secret == nullptr) {
    std::fprintf(stderr, "bad endpoint or missing ANTCDN_S3_* credentials\n");
    return 2;
  }
  storage::s3::S3Store s3(*location, {id, Secret(secret)});
  if (Status ready = s3.ensure_bucket(); !ready.ok()) {
    std::fprintf(stderr, "bucket: %s\n", ready.error().describe().c_str());
    return 1;
  }
  storage::DiskStore disk(argv[4]);
  const int streams = std::max(1, std::atoi(argv[5]));
  run("disk", disk, count, bytes, 1);
  run("s3", s3, count, bytes, 1);
  run("s3", s3, count, bytes, streams);
  return 0;
}
