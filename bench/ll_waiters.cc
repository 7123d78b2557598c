// LL-HLS blocking playlist reloads at the edge (issue 14, point 3): what N
// waiting requests cost, and how soon they are answered once the part they
// wait for is listed. The real edge, wired as src/app/server.cc wires it
// (EventLoop + HttpServer + EdgeRouter over a CachedStore, BlockingReloads fed
// by the cache's publish listener and polling the origin), serves one LL
// stream whose playlist lists whole segments up to --last-segment (K) and
// parts 0 and 1 of segment K+1. N client connections (one epoll thread: this
// process's main thread) each ask for `index.m3u8?_HLS_msn=K+1&_HLS_part=2`.
// Once all N wait in BlockingReloads it samples the process's threads and RSS
// (/proc/self/status). Then a publisher thread, as the write queue does when it
// accepts the packager's next playlist, calls CachedStore::publish with the
// version that lists part 2; T0 is taken just before that call. For every
// client it measures T0 -> its whole response, twice: when the kernel received
// its last bytes (SO_TIMESTAMPNS: when the edge's write landed) and when this
// thread read it (it shares the cores with the edge). It checks that each
// answer is 200 and lists the new part, and reports the CPU time the
// publisher, the edge and the client spent from T0 on. Two runs in one
// invocation, each with a fresh edge: a reference at a small N, then N.
// ANTCDN_CHECK_BLOCKING=1 is set, so a blocking call on a loop thread aborts.
//
//   ll_waiters [--n=2000] [--reference-n=10] [--last-segment=20] [--target-s=2]
//              [--poll-ms=100] [--read-workers=8] [--edge-threads=max(2,cores)]
//              [--handler-timeout-ms=10000]

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include "common/bytes.h"
#include "common/ids.h"
#include "edge/blocking_reloads.h"
#include "edge/edge_router.h"
#include "edge/stream_directory.h"
#include "edge_harness.h"
#include "format/hls/media_playlist.h"
#include "http_clients.h"
#include "net/blocking_pool.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "storage/cached_store.h"
#include "storage/memory_store.h"

using namespace antcdn;
using namespace antcdn::bench;

namespace {

// The goals, for 2,000 waiters.
constexpr double kGoalMbPer2000 = 50;
constexpr double kGoalLatencyMs = 5;

struct Options {
  int n = 2000;
  int reference_n = 10;
  int last_segment = 20;                // K: whole segments 0..K, parts of K+1 are being listed
  int target_s = 2;                     // the hold is 3 target durations
  std::chrono::milliseconds poll{100};  // BlockingReloadOptions default
  int read_workers = 8;                 // src/app/server.cc kReadWorkers
  int edge_threads = static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
  std::chrono::milliseconds handler_timeout{10000};  // src/app/server.cc kEdgeAnswerTimeout
};

// The stream as the packager writes it (src/package): a 10-segment window,
// 0.5 s parts listed on the newest 3 segments, two sibling renditions reported.
constexpr int kWindow = 10;
constexpr int kSegmentsWithParts = 3;
constexpr double kPartS = 0.5;
const std::string kSession = "k7q2m9xa";

std::string part_uri(int seq, int part) {
  return kSession + "-" + std::to_string(seq) + "." + std::to_string(part) + ".m4s";
}

// The playlist with `parts_of_next` parts of segment K+1 listed.
storage::ObjectPtr ll_playlist(const Options& o, int parts_of_next) {
  const int64_t pdt_of_zero = 1764770000000;
  const int parts_per_segment = static_cast<int>(o.target_s / kPartS);
  const std::string init = "init-" + kSession + ".mp4";
  auto pdt = [&](int seq) { return pdt_of_zero + int64_t{seq} * o.target_s * 1000; };
  auto parts_of = [&](int seq, int count) {
    std::vector<format::hls::PartRecord> parts;
    for (int k = 0; k < count; ++k) {
      parts.push_back({.uri = part_uri(seq, k), .duration_s = kPartS, .independent = k == 0});
    }
    return parts;
  };
  format::hls::MediaPlaylist p;
  p.target_duration_s = o.target_s;
  const int first = std::max(0, o.last_segment - kWindow + 1);
  p.media_sequence = static_cast<uint64_t>(first);
  for (int seq = first; seq <= o.last_segment; ++seq) {
    bool with_parts = seq > o.last_segment - kSegmentsWithParts;
    p.segments.push_back({.uri = kSession + "-" + std::to_string(seq) + ".m4s",
                          .duration_s = static_cast<double>(o.target_s),
                          .program_date_time_ms = pdt(seq),
                          .init_uri = init,
                          .parts = with_parts ? parts_of(seq, parts_per_segment)
                                              : std::vector<format::hls::PartRecord>{}});
  }
  const int next = o.last_segment + 1;
  format::hls::LowLatency ll{.part_target_s = kPartS};
  ll.partial = {
      .program_date_time_ms = pdt(next), .init_uri = init, .parts = parts_of(next, parts_of_next)};
  ll.preload_hint_uri = part_uri(next, parts_of_next);
  for (std::string sibling : {"480p", "audio"}) {
    ll.reports.push_back({.uri = "../" + sibling + "/index.m3u8",
                          .last_msn = static_cast<uint64_t>(next),
                          .last_part = static_cast<uint64_t>(parts_of_next - 1)});
  }
  p.low_latency = ll;
  auto text = format::hls::write_media_playlist(p);
  if (!text.ok()) {
    std::fprintf(stderr, "playlist: %s\n", text.error().describe().c_str());
    std::exit(1);
  }
  return storage::make_object(to_bytes(*text), {"application/vnd.apple.mpegurl", "max-age=1"});
}

// The edge as src/app/server.cc builds it, on its own loop threads. Members
// in server.cc's order: the loop outlives the reloads, which answer whoever
// still waits when they go.
class Edge {
 public:
  explicit Edge(const Options& o)
      : reads_("storage-reads", o.read_workers),
        loop_("edge"),
        cache_(origin_, storage::CacheOptions{.background =
                                                  [this](std::function<void()> job) {
                                                    reads_.post(std::move(job));
                                                  }}),
        reloads_(
            {.poll_interval = o.poll,
             .read_fresh = [this](const std::string& key,
                                  auto done) { cache_.get_fresh_async(key, std::move(done)); }}),
        router_(cache_, directory_, nullptr, nullptr, nullptr, &reloads_),
        listener_(
            loop_, o.edge_threads, o.handler_timeout,
            [this](net::HttpRequest r, net::HttpRespond respond) { router_.handle(r, respond); }) {
    cache_.set_publish_listener([this](const std::string& key, const storage::ObjectPtr& object) {
      if (key.ends_with("/index.m3u8")) {
        reloads_.offer(key, object);
      }
    });
  }

  ~Edge() { reads_.wait_idle_for(std::chrono::seconds(60)); }
  Edge(const Edge&) = delete;
  Edge& operator=(const Edge&) = delete;

  uint16_t port() const { return listener_.port(); }
  storage::CachedStore& cache() { return cache_; }
  const edge::BlockingReloads& reloads() const { return reloads_; }

 private:
  net::BlockingPool reads_;
  net::EventLoop loop_;
  storage::MemoryStore origin_;
  storage::CachedStore cache_;
  edge::BlockingReloads reloads_;
  LiveDirectory directory_;
  edge::EdgeRouter router_;
  EdgeListener listener_;
};

struct RunResult {
  int n = 0;
  ProcSample before;   // edge up, playlist cached, no clients
  ProcSample waiting;  // all N inside BlockingReloads
  bool all_waited = false;
  int ok = 0;                  // 200, whole body, lists the new part
  double publish_call_ms = 0;  // CachedStore::publish on the publisher's thread
  // CPU time from the publish until the last answer arrived: the publisher's
  // (answering the waiters), the client's (this thread), and the rest of the
  // process (the edge's loop threads, writing the answers).
  double publisher_cpu_ms = 0;
  double client_cpu_ms = 0;
  double edge_cpu_ms = 0;
  std::vector<double> latencies_ms;  // T0 -> whole response read, of the complete ones, sorted
  // T0 -> the kernel received the response's last bytes: what a client with
  // a core of its own would see (this thread shares two cores with the edge).
  std::vector<double> arrivals_ms;
};

double cpu_ms(int who) {
  rusage u{};
  ::getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

// The machine is shared: the 1-minute load average goes with every result.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

// Whether `playlist` lists `uri` as a part (not merely as the preload hint).
bool lists_part(std::string_view playlist, const std::string& uri) {
  const std::string quoted = "URI=\"" + uri + "\"";
  for (size_t at = playlist.find(quoted); at != std::string_view::npos;
       at = playlist.find(quoted, at + 1)) {
    size_t line = playlist.rfind('\n', at);
    line = line == std::string_view::npos ? 0 : line + 1;
    if (playlist.substr(line).starts_with("#EXT-X-PART:")) {
      return true;
    }
  }
  return false;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) {
    return NAN;
  }
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

RunResult run(const Options& o, int n, const storage::ObjectPtr& waited_on,
              const storage::ObjectPtr& with_part) {
  RunResult r;
  r.n = n;
  const int threads_without_edge = sample_self().threads;
  Edge edge(o);
  // The loop starts its threads from its runner: wait for all of them (and
  // the reloads' poller) before sampling.
  const int threads_with_edge = threads_without_edge + o.read_workers + o.edge_threads + 1;
  for (int i = 0; i < 1000 && sample_self().threads < threads_with_edge; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string edge_id = ids::new_edge_id(0);
  const std::string key = edge_id + "/720p/index.m3u8";
  if (auto put = edge.cache().put(key, waited_on); !put.ok()) {
    std::fprintf(stderr, "put: %s\n", put.error().describe().c_str());
    std::exit(1);
  }
  ::malloc_trim(0);  // freed memory of an earlier run must not hide this run's growth
  r.before = sample_self();

  const std::string request = get_request(
      "/live/" + key + "?_HLS_msn=" + std::to_string(o.last_segment + 1) + "&_HLS_part=2",
      "ll_waiters");
  std::vector<ClientConn> conns(static_cast<size_t>(n));
  const auto start = Clock::now();
  for (ClientConn& c : conns) {
    c.keep_body = true;
    c.fd = connect_and_send(edge.port(), request);
    timestamp_arrivals(c.fd);
  }
  // The hold is 3 target durations: give up waiting for the waiters well before.
  while (edge.reloads().waiting() < static_cast<size_t>(n) &&
         Clock::now() - start < std::chrono::seconds(o.target_s)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.waiting = sample_self();
  r.all_waited = edge.reloads().waiting() == static_cast<size_t>(n);

  // The publisher gives the client a moment to sit in epoll_wait first.
  Clock::time_point t0;
  std::chrono::system_clock::time_point t0_wall;  // the kernel stamps arrivals in wall time
  const double process_cpu_before = cpu_ms(RUSAGE_SELF);
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double cpu_before = cpu_ms(RUSAGE_THREAD);
    t0_wall = std::chrono::system_clock::now();
    t0 = Clock::now();
    edge.cache().publish(key, with_part);
    r.publish_call_ms = ms_between(t0, Clock::now());
    r.publisher_cpu_ms = cpu_ms(RUSAGE_THREAD) - cpu_before;
  });
  const double cpu_before = cpu_ms(RUSAGE_THREAD);
  read_responses(conns, std::chrono::seconds(30));
  r.client_cpu_ms = cpu_ms(RUSAGE_THREAD) - cpu_before;
  publisher.join();
  r.edge_cpu_ms = cpu_ms(RUSAGE_SELF) - process_cpu_before - r.client_cpu_ms - r.publisher_cpu_ms;

  const std::string new_part = part_uri(o.last_segment + 1, 2);
  for (const ClientConn& c : conns) {
    if (!c.complete) {
      continue;
    }
    r.latencies_ms.push_back(ms_between(t0, c.done_at));
    if (c.arrived_at) {
      r.arrivals_ms.push_back(
          std::chrono::duration<double, std::milli>(*c.arrived_at - t0_wall).count());
    }
    r.ok +=
        c.status == 200 && c.body_bytes == c.content_length && lists_part(c.body, new_part) ? 1 : 0;
  }
  std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
  std::sort(r.arrivals_ms.begin(), r.arrivals_ms.end());
  return r;
}

double growth_mb(const RunResult& r) {
  return static_cast<double>(r.waiting.rss_kb - r.before.rss_kb) / 1024.0;
}

void print_cost(const std::vector<const RunResult*>& runs) {
  const char* head = "%5s  %-9s %-11s %7s %5s %8s  %-15s\n";
  std::printf(head, "N", "threads", "RSS MB", "KB per", "200+", "publish", "CPU ms from T0");
  std::printf(head, "", "idle/wait", "idle/wait", "waiter", "part", "call ms", "pub/edge/client");
  for (const RunResult* r : runs) {
    std::string threads =
        std::to_string(r->before.threads) + "/" + std::to_string(r->waiting.threads);
    char rss[64];
    std::snprintf(rss, sizeof rss, "%.1f/%.1f", r->before.rss_kb / 1024.0,
                  r->waiting.rss_kb / 1024.0);
    char cpu[64];
    std::snprintf(cpu, sizeof cpu, "%.1f/%.1f/%.1f", r->publisher_cpu_ms, r->edge_cpu_ms,
                  r->client_cpu_ms);
    std::printf("%5d  %-9s %-11s %7.2f %5d %8.2f  %-15s%s\n", r->n, threads.c_str(), rss,
                growth_mb(*r) * 1024.0 / r->n, r->ok, r->publish_call_ms, cpu,
                r->all_waited ? "" : "  (not all were waiting when sampled!)");
  }
}

void print_latency(const std::vector<const RunResult*>& runs) {
  std::printf("%5s  %-28s %7s %7s %7s %7s\n", "N", "ms from T0 (publish) until", "first", "median",
              "p99", "max");
  for (const RunResult* r : runs) {
    for (bool kernel : {true, false}) {
      const auto& l = kernel ? r->arrivals_ms : r->latencies_ms;
      std::printf("%5d  %-28s %7.2f %7.2f %7.2f %7.2f\n", r->n,
                  kernel ? "arrived (kernel stamp)" : "read by the client", percentile(l, 0),
                  percentile(l, 0.5), percentile(l, 0.99), percentile(l, 1));
    }
  }
}

void print_comparison(const RunResult& ref, const RunResult& big) {
  auto ratio = [](const std::vector<double>& a, const std::vector<double>& b, double p) {
    double base = percentile(b, p);
    return base > 0 ? percentile(a, p) / base : NAN;
  };
  std::printf(
      "N=%d vs N=%d, arrived: median %.1fx, p99 %.1fx, max %.1fx; read: median %.1fx, "
      "max %.1fx\n",
      big.n, ref.n, ratio(big.arrivals_ms, ref.arrivals_ms, 0.5),
      ratio(big.arrivals_ms, ref.arrivals_ms, 0.99), ratio(big.arrivals_ms, ref.arrivals_ms, 1),
      ratio(big.latencies_ms, ref.latencies_ms, 0.5), ratio(big.latencies_ms, ref.latencies_ms, 1));
  const double mb_per_2000 = growth_mb(big) / big.n * 2000;
  std::printf("goal: 2,000 waiters < %.0f MB: %.1f MB per 2,000 (%s)\n", kGoalMbPer2000,
              mb_per_2000, mb_per_2000 < kGoalMbPer2000 ? "met" : "MISSED");
  const double arrived = percentile(big.arrivals_ms, 1);
  const double read = percentile(big.latencies_ms, 1);
  std::printf(
      "goal: every answer within %.0f ms of the part, N=%d: last arrived at %.2f ms (%s), "
      "last read at %.2f ms (%s)\n",
      kGoalLatencyMs, big.n, arrived, arrived <= kGoalLatencyMs ? "met" : "MISSED", read,
      read <= kGoalLatencyMs ? "met" : "MISSED");
}

// Correctness; the goals above are reported, not enforced (timing on a shared machine).
std::vector<std::string> failures_of(const std::vector<const RunResult*>& runs) {
  std::vector<std::string> failures;
  for (const RunResult* r : runs) {
    std::string run = "N=" + std::to_string(r->n);
    if (!r->all_waited) {
      failures.push_back(run + ": not every request was waiting before the publish");
    }
    if (r->waiting.threads != r->before.threads) {
      failures.push_back(run + ": the thread count changed while waiting");
    }
    if (r->ok != r->n) {
      failures.push_back(run + ": " + std::to_string(r->n - r->ok) +
                         " answers were not 200 with the new part");
    }
  }
  return failures;
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  bool ok = parse_flags(argc, argv, [&o](std::string_view name, const char* text) {
    const long v = std::atol(text);
    if (name == "n") {
      o.n = static_cast<int>(v);
    } else if (name == "reference-n") {
      o.reference_n = static_cast<int>(v);
    } else if (name == "last-segment") {
      o.last_segment = static_cast<int>(v);
    } else if (name == "target-s") {
      o.target_s = static_cast<int>(v);
    } else if (name == "poll-ms") {
      o.poll = std::chrono::milliseconds(v);
    } else if (name == "read-workers") {
      o.read_workers = static_cast<int>(v);
    } else if (name == "edge-threads") {
      o.edge_threads = static_cast<int>(v);
    } else if (name == "handler-timeout-ms") {
      o.handler_timeout = std::chrono::milliseconds(v);
    } else {
      return false;
    }
    return true;
  });
  if (!ok || o.n < 1 || o.reference_n < 1 || o.last_segment < 0 || o.target_s < 1 ||
      o.poll.count() < 1 || o.read_workers < 1 || o.edge_threads < 1) {
    return std::nullopt;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  ::setenv("ANTCDN_CHECK_BLOCKING", "1", 0);  // a blocking call on an edge loop thread aborts
  auto parsed = parse_args(argc, argv);
  if (!parsed) {
    std::fprintf(stderr, "usage: see the top of bench/ll_waiters.cc\n");
    return 2;
  }
  const Options o = *parsed;
  raise_fd_limit(std::max(o.n, o.reference_n));
  spdlog::set_level(spdlog::level::err);
  const storage::ObjectPtr waited_on = ll_playlist(o, 2);
  const storage::ObjectPtr with_part = ll_playlist(o, 3);
  const std::string new_part = part_uri(o.last_segment + 1, 2);
  if (lists_part(as_chars(waited_on->data), new_part) ||
      !lists_part(as_chars(with_part->data), new_part)) {
    std::fprintf(stderr, "the answer check does not tell the two playlists apart\n");
    return 1;
  }

  std::printf(
      "ll waiters: _HLS_msn=%d&_HLS_part=2, %zu-byte playlist answered, hold %d s, edge loop %d "
      "threads, storage-reads pool %d threads, origin poll %lld ms; load average %s\n",
      o.last_segment + 1, with_part->data.size(), 3 * o.target_s, o.edge_threads, o.read_workers,
      static_cast<long long>(o.poll.count()), load_average().c_str());
  RunResult ref = run(o, o.reference_n, waited_on, with_part);
  RunResult big = run(o, o.n, waited_on, with_part);
  print_cost({&ref, &big});
  print_latency({&ref, &big});
  print_comparison(ref, big);

  std::vector<std::string> failures = failures_of({&ref, &big});
  for (const auto& f : failures) {
    std::printf("FAIL: %s\n", f.c_str());
  }
  if (failures.empty()) {
    std::printf(
        "PASS: every request waited without a thread and was answered 200 with the new part\n");
  }
  return failures.empty() ? 0 : 1;
}
