// Proves that edge requests waiting on a slow origin hold no thread. The real
// edge, wired as src/app/server.cc wires it (EventLoop + HttpServer + EdgeRouter
// over a CachedStore whose misses are read on a "storage-reads" BlockingPool),
// sits in front of a slow origin defined here, and N client connections (one
// epoll thread: this process's main thread) all ask for segments nobody has
// cached yet (their playlist, which the edge checks first, is published into
// the cache as the packager's writes are). Once every request is inside the router, and before the
// origin answers, it samples the process's threads and RSS (/proc/self/status); then it checks
// every answer (200, full length). Three runs in one invocation: the same key at a small N (the
// reference), the same key at N, N distinct keys. ANTCDN_CHECK_BLOCKING=1 is set, so a blocking
// call on a loop thread aborts.
//
//   edge_waiters [--n=1000] [--reference-n=10] [--origin-ms=2000]
//                [--distinct-origin=stall|latency] [--segment-bytes=1048576]
//                [--read-workers=8] [--edge-threads=max(2,cores)] [--handler-timeout-ms=10000]
//
// Origin models: `latency` delays every read by --origin-ms (the same-key runs
// use it; they make one read); `stall` blocks every read until --origin-ms
// after the first one, then answers them all (an origin that stalls and
// recovers). With `latency`, N distinct misses finish at read-workers per
// origin-ms: the pool bounds them, and past the handler timeout they get 503.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <malloc.h>
#include <spdlog/spdlog.h>

#include "common/blocking.h"
#include "common/bytes.h"
#include "common/ids.h"
#include "edge/edge_router.h"
#include "edge/stream_directory.h"
#include "edge_harness.h"
#include "format/hls/media_playlist.h"
#include "http_clients.h"
#include "net/blocking_pool.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "storage/cached_store.h"

using namespace antcdn;
using namespace antcdn::bench;

namespace {

enum class OriginMode { Latency, Stall };

struct Options {
  int n = 1000;
  int reference_n = 10;
  std::chrono::milliseconds origin_delay{2000};
  OriginMode distinct_origin = OriginMode::Stall;
  size_t segment_bytes = 1024 * 1024;
  int read_workers = 8;  // src/app/server.cc kReadWorkers
  int edge_threads = static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
  std::chrono::milliseconds handler_timeout{10000};  // src/app/server.cc kEdgeAnswerTimeout
};

// A read-only origin that is slow on purpose and counts its reads. Every key
// answers with the same shared ~1 MB object, so the origin's own bytes are
// allocated once, before anything is measured.
class SlowOrigin final : public storage::ObjectStore {
 public:
  SlowOrigin(OriginMode mode, std::chrono::milliseconds delay, storage::ObjectPtr segment)
      : mode_(mode), delay_(delay), segment_(std::move(segment)) {}

  Status put(const std::string& key, const storage::ObjectPtr&) override {
    return make_error(Code::Unsupported, "read-only origin: " + key);
  }
  Status remove(const std::string&) override { return {}; }
  Status remove_prefix(const std::string&) override { return {}; }

  Result<storage::ObjectPtr> get(const std::string& key) override {
    assert_may_block("SlowOrigin::get");  // aborts if the edge ever reads on its loop
    Clock::time_point until = Clock::now() + delay_;
    {
      std::lock_guard lock(mutex_);
      ++reads_;
      if (mode_ == OriginMode::Stall) {
        release_ = release_.value_or(until);
        until = *release_;
      }
    }
    std::this_thread::sleep_until(until);
    std::lock_guard lock(mutex_);
    first_answer_ = first_answer_.value_or(Clock::now());
    return segment_;
  }

  int reads() const {
    std::lock_guard lock(mutex_);
    return reads_;
  }
  std::optional<Clock::time_point> first_answer() const {
    std::lock_guard lock(mutex_);
    return first_answer_;
  }

 private:
  const OriginMode mode_;
  const std::chrono::milliseconds delay_;
  const storage::ObjectPtr segment_;
  mutable std::mutex mutex_;
  int reads_ = 0;
  std::optional<Clock::time_point> release_;
  std::optional<Clock::time_point> first_answer_;
};

// The edge as src/app/server.cc builds it, on its own loop threads.
class Edge {
 public:
  Edge(const Options& o, OriginMode mode, storage::ObjectPtr segment)
      : origin_(mode, o.origin_delay, std::move(segment)),
        reads_("storage-reads", o.read_workers),
        loop_("edge"),
        cache_(origin_, storage::CacheOptions{.background =
                                                  [this](std::function<void()> job) {
                                                    reads_.post(std::move(job));
                                                  }}),
        router_(cache_, directory_),
        listener_(loop_, o.edge_threads, o.handler_timeout,
                  [this](net::HttpRequest r, net::HttpRespond respond) {
                    router_.handle(r, respond);
                    ++handled_;  // handle() returned: the request now waits without a thread
                  }) {}

  ~Edge() { reads_.wait_idle_for(std::chrono::seconds(60)); }
  Edge(const Edge&) = delete;
  Edge& operator=(const Edge&) = delete;

  uint16_t port() const { return listener_.port(); }
  storage::CachedStore& cache() { return cache_; }
  int handled() const { return handled_.load(); }
  const SlowOrigin& origin() const { return origin_; }

 private:
  SlowOrigin origin_;
  net::BlockingPool reads_;
  net::EventLoop loop_;
  storage::CachedStore cache_;
  LiveDirectory directory_;
  edge::EdgeRouter router_;
  std::atomic<int> handled_{0};
  EdgeListener listener_;
};

struct RunResult {
  std::string name;
  int n = 0;
  ProcSample before;
  ProcSample waiting;
  ProcSample peak;  // highest thread count and RSS over the whole run
  bool sampled_before_origin = false;
  int origin_reads = 0;
  int ok = 0;           // 200 with the full body
  int unavailable = 0;  // 503: the handler timeout ran out first
  double answer_to_last_ms = 0;
  double total_s = 0;
};

// The rendition's playlist, listing `name`-1..`count`: the edge reads a segment
// only when its playlist names it (edge/live_window.h).
storage::ObjectPtr playlist_listing(const std::string& name, int count) {
  format::hls::MediaPlaylist p;
  p.target_duration_s = 2;
  p.media_sequence = 1;
  for (int seq = 1; seq <= count; ++seq) {
    p.segments.push_back({.uri = name + "-" + std::to_string(seq) + ".m4s",
                          .duration_s = 2,
                          .init_uri = "init-" + name + ".mp4"});
  }
  return storage::make_object(to_bytes(*format::hls::write_media_playlist(p)),
                              {"application/vnd.apple.mpegurl", "max-age=1"});
}

RunResult run(const Options& o, const std::string& name, int n, bool same_key, OriginMode mode,
              const storage::ObjectPtr& segment) {
  RunResult r;
  r.name = name;
  r.n = n;
  const int threads_without_edge = sample_self().threads;
  Edge edge(o, mode, segment);
  // The loop starts its threads from its runner: wait for all of them before sampling.
  const int threads_with_edge = threads_without_edge + o.read_workers + o.edge_threads;
  for (int i = 0; i < 1000 && sample_self().threads < threads_with_edge; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string edge_id = ids::new_edge_id(0);
  // Published, as the packager's writes are: served from memory, never read from the origin.
  edge.cache().publish(edge_id + "/720p/index.m3u8", playlist_listing(name, same_key ? 1 : n));
  ::malloc_trim(0);  // freed memory of an earlier run must not hide this run's growth
  r.before = sample_self();
  r.peak = r.before;
  const auto start = Clock::now();

  std::vector<ClientConn> conns(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string target =
        "/live/" + edge_id + "/720p/" + name + "-" + std::to_string(same_key ? 1 : i + 1) + ".m4s";
    conns[i].fd = connect_and_send(edge.port(), get_request(target, "edge_waiters"));
  }
  // Wait until every request is in the router, then sample before the origin answers.
  while (edge.handled() < n && Clock::now() - start < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.waiting = sample_self();
  r.sampled_before_origin = edge.handled() == n && !edge.origin().first_answer();
  take_peak(r.peak, r.waiting);

  Clock::time_point next_sample = Clock::now();
  read_responses(conns, std::chrono::seconds(600), [&] {
    if (Clock::now() >= next_sample) {
      take_peak(r.peak, sample_self());
      next_sample = Clock::now() + std::chrono::milliseconds(10);
    }
  });
  Clock::time_point last = start;
  for (const ClientConn& c : conns) {
    r.ok += c.complete && c.status == 200 && c.body_bytes == o.segment_bytes ? 1 : 0;
    r.unavailable += c.complete && c.status == 503 ? 1 : 0;
    last = std::max(last, c.done_at);
  }
  r.total_s = ms_between(start, last) / 1000;
  r.origin_reads = edge.origin().reads();
  if (auto answered = edge.origin().first_answer()) {
    r.answer_to_last_ms = ms_between(*answered, last);
  }
  return r;
}

void print_header() {
  std::printf("%-9s %5s  %-14s %-16s %9s %7s %6s %5s %15s %7s\n", "run", "N", "threads", "RSS MB",
              "KB per", "origin", "200", "503", "origin answer", "wall");
  std::printf("%-9s %5s  %-14s %-16s %9s %7s %6s %5s %15s %7s\n", "", "", "idle/wait/max",
              "idle/wait/max", "waiter", "reads", "full", "", "->last resp ms", "s");
}

void print_row(const RunResult& r) {
  std::string threads = std::to_string(r.before.threads) + "/" + std::to_string(r.waiting.threads) +
                        "/" + std::to_string(r.peak.threads);
  char rss[64];
  std::snprintf(rss, sizeof rss, "%.1f/%.1f/%.1f", r.before.rss_kb / 1024.0,
                r.waiting.rss_kb / 1024.0, r.peak.rss_kb / 1024.0);
  std::printf("%-9s %5d  %-14s %-16s %9.2f %7d %6d %5d %15.1f %7.1f%s\n", r.name.c_str(), r.n,
              threads.c_str(), rss, static_cast<double>(r.waiting.rss_kb - r.before.rss_kb) / r.n,
              r.origin_reads, r.ok, r.unavailable, r.answer_to_last_ms, r.total_s,
              r.sampled_before_origin ? "" : "  (sampled after the origin answered!)");
  std::fflush(stdout);
}

// Same key at N against the reference N: threads flat, memory a few KB per waiter.
void print_ratio(const Options& o, const RunResult& ref, const RunResult& same) {
  // The reference's RSS growth is a few pages: its per-waiter figure is rounding, not cost.
  const long same_growth_kb = same.waiting.rss_kb - same.before.rss_kb;
  const long ref_growth_kb = ref.waiting.rss_kb - ref.before.rss_kb;
  std::printf(
      "same key, N=%d vs N=%d (%.0fx the waiters): threads while waiting %d vs %d (%.2fx); "
      "RSS growth while waiting %.1f MB vs %.1f MB (%.2fx), %.1f KB per waiter at N=%d\n",
      o.n, o.reference_n, static_cast<double>(o.n) / o.reference_n, same.waiting.threads,
      ref.waiting.threads, static_cast<double>(same.waiting.threads) / ref.waiting.threads,
      same_growth_kb / 1024.0, ref_growth_kb / 1024.0,
      static_cast<double>(same_growth_kb) / std::max(ref_growth_kb, 1L),
      static_cast<double>(same_growth_kb) / same.n, o.n);
}

// Everything the claim needs; empty when it holds. `runs`: reference, same key, distinct.
std::vector<std::string> failures_of(const Options& o,
                                     const std::array<const RunResult*, 3>& runs) {
  std::vector<std::string> failures;
  for (const RunResult* r : runs) {
    std::string run = r->name + " N=" + std::to_string(r->n);
    if (!r->sampled_before_origin) {
      failures.push_back(run + ": not every request was waiting before the origin answered");
    }
    if (r->waiting.threads != r->before.threads) {
      failures.push_back(run + ": the thread count changed while waiting");
    }
    if (r->ok != r->n) {
      failures.push_back(run + ": " + std::to_string(r->n - r->ok) + " responses not 200 (" +
                         std::to_string(r->unavailable) + " were 503)");
    }
  }
  const RunResult& ref = *runs[0];
  const RunResult& same = *runs[1];
  const RunResult& distinct = *runs[2];
  if (ref.origin_reads != 1 || same.origin_reads != 1) {
    failures.push_back("same key: more than one origin read");
  }
  if (distinct.ok == distinct.n && distinct.origin_reads != distinct.n) {
    failures.push_back("distinct keys: not one origin read per key");
  }
  if (same.waiting.threads != ref.waiting.threads) {
    failures.push_back("threads while waiting differ between N=" + std::to_string(o.reference_n) +
                       " and N=" + std::to_string(o.n));
  }
  return failures;
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  bool ok = parse_flags(argc, argv, [&o](std::string_view name, const char* text) {
    const std::string_view value = text;
    const long v = std::atol(text);
    if (name == "n") {
      o.n = static_cast<int>(v);
    } else if (name == "reference-n") {
      o.reference_n = static_cast<int>(v);
    } else if (name == "origin-ms") {
      o.origin_delay = std::chrono::milliseconds(v);
    } else if (name == "distinct-origin" && (value == "stall" || value == "latency")) {
      o.distinct_origin = value == "stall" ? OriginMode::Stall : OriginMode::Latency;
    } else if (name == "segment-bytes") {
      o.segment_bytes = static_cast<size_t>(v);
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
  if (!ok || o.n < 1 || o.reference_n < 1 || o.read_workers < 1 || o.edge_threads < 1) {
    return std::nullopt;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  ::setenv("ANTCDN_CHECK_BLOCKING", "1", 0);  // a blocking call on an edge loop thread aborts
  auto parsed = parse_args(argc, argv);
  if (!parsed) {
    std::fprintf(stderr, "usage: see the top of bench/edge_waiters.cc\n");
    return 2;
  }
  const Options o = *parsed;
  raise_fd_limit(std::max(o.n, o.reference_n));
  spdlog::set_level(spdlog::level::err);  // not one "no answer within" line per 503
  auto segment = storage::make_object(Bytes(o.segment_bytes, std::byte{0x47}), {"video/mp4", ""});

  std::printf(
      "edge waiters: origin %lld ms per read, %zu-byte segment, edge loop %d threads, "
      "storage-reads pool %d threads, handler timeout %lld ms, distinct-key origin: %s\n",
      static_cast<long long>(o.origin_delay.count()), o.segment_bytes, o.edge_threads,
      o.read_workers, static_cast<long long>(o.handler_timeout.count()),
      o.distinct_origin == OriginMode::Stall ? "stall" : "latency");
  print_header();
  RunResult ref = run(o, "same-key", o.reference_n, true, OriginMode::Latency, segment);
  print_row(ref);
  RunResult same = run(o, "same-key", o.n, true, OriginMode::Latency, segment);
  print_row(same);
  RunResult distinct = run(o, "distinct", o.n, false, o.distinct_origin, segment);
  print_row(distinct);

  print_ratio(o, ref, same);
  std::vector<std::string> failures = failures_of(o, {&ref, &same, &distinct});
  for (const auto& f : failures) {
    std::printf("FAIL: %s\n", f.c_str());
  }
  if (failures.empty()) {
    std::printf(
        "PASS: threads while waiting do not grow with N; same key: one origin read; every "
        "response 200 with %zu bytes\n",
        o.segment_bytes);
  }
  return failures.empty() ? 0 : 1;
}
