// What counting edge requests costs (edge/edge_metrics.h): EdgeRouter::handle
// for a master playlist, a media playlist and a segment, all cache hits, with
// and without EdgeMetrics, on THREADS threads at once (the edge loop's threads
// share the counters). Prints ns per request; the router only, no sockets.
//
//   edge_router_bench [REQUESTS_PER_THREAD] [THREADS]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "edge/edge_router.h"
#include "edge_harness.h"
#include "metrics/registry.h"
#include "storage/cached_store.h"
#include "storage/memory_store.h"

using namespace antcdn;
using antcdn::bench::LiveDirectory;

namespace {

double ns_per_request(edge::EdgeRouter& router, const std::vector<net::HttpRequest>& requests,
                      int per_thread, int threads) {
  auto body = [&] {
    size_t answered = 0;
    for (int i = 0; i < per_thread; ++i) {
      router.handle(requests[i % requests.size()],
                    [&answered](net::HttpResponse res) { answered += res.status == 200; });
    }
    if (answered != static_cast<size_t>(per_thread)) {
      std::fprintf(stderr, "a request was not answered 200\n");
      std::exit(1);
    }
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back(body);
  }
  for (auto& t : pool) {
    t.join();
  }
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start);
  return ns.count() / per_thread;  // wall time per request of one thread
}

}  // namespace

int main(int argc, char** argv) {
  int per_thread = argc > 1 ? std::atoi(argv[1]) : 2000000;
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  storage::MemoryStore memory;
  storage::CachedStore objects(memory, size_t{64} << 20);
  std::string id = ids::new_edge_id(1);
  const std::string playlist =
      "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:3\n"
      "#EXT-X-MAP:URI=\"init-s1.mp4\"\n#EXTINF:2.000,\ns1-3.m4s\n";
  (void)objects.put(id + "/master.m3u8", storage::make_object(to_bytes("#EXTM3U\n")));
  (void)objects.put(id + "/720p/index.m3u8", storage::make_object(to_bytes(playlist)));
  (void)objects.put(id + "/720p/s1-3.m4s", storage::make_object(Bytes(1 << 20)));
  std::vector<net::HttpRequest> requests;
  for (const char* rest : {"/master.m3u8", "/720p/index.m3u8", "/720p/s1-3.m4s"}) {
    requests.push_back(net::HttpRequest{.method = "GET", .target = "/live/" + id + rest});
  }
  LiveDirectory directory;
  metrics::Registry registry;
  edge::EdgeMetrics counters(registry);
  edge::EdgeRouter plain(objects, directory);
  edge::EdgeRouter counted(objects, directory, &counters);
  for (int round = 0; round < 3; ++round) {
    double without = ns_per_request(plain, requests, per_thread, threads);
    double with = ns_per_request(counted, requests, per_thread, threads);
    std::printf("{\"threads\":%d,\"ns_per_request_without\":%.0f,\"ns_per_request_with\":%.0f}\n",
                threads, without, with);
  }
  return 0;
}
