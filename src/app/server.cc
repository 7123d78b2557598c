#include "app/server.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "api/errors.h"
#include "api/event_dto.h"
#include "api/event_streams.h"
#include "api/recordings.h"
#include "api/router.h"
#include "api/webhooks.h"
#include "app/descriptor_budget.h"
#include "app/keys_cli.h"
#include "app/live_stats_reporter.h"
#include "app/media_store_factory.h"
#include "app/metrics_endpoint.h"
#include "app/node_metrics.h"
#include "app/rtmps_ingest.h"
#include "app/session_pipeline.h"
#include "app/startup_recovery.h"
#include "app/store_factory.h"
#include "edge/edge_router.h"
#include "edge/status_events.h"
#include "edge/store_stream_directory.h"
#include "ingest/rtmp/listener.h"
#include "ingest/srt/srt_listener.h"
#include "lifecycle/supervisor.h"
#include "metrics/registry.h"
#include "net/blocking_pool.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "package/playlist_closer.h"
#include "record/recording_service.h"
#include "record/retention.h"
#include "storage/cached_store.h"
#include "storage/write_queue.h"
#include "store/event_feed.h"
#include "thumbnail/thumbnail_service.h"
#include "transcode/transcoder.h"
#include "webhooks/curl_sender.h"
#include "webhooks/delivery_worker.h"

namespace antcdn::app {
namespace {

// How long shutdown waits for queued uploads (final playlists with ENDLIST
// among them). Bounded so a dead object store cannot hold the process for the
// queue's five-minute outage retry; within the 10 s a container runtime allows.

// A URL for clients on this machine when the listener binds every interface.
std::string reachable_host(const std::string& host) {
  if (host == "0.0.0.0" || host.empty()) {
    return "127.0.0.1";
  }
  if (host == "::") {
    return "[::1]";
  }
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

net::HttpServerOptions http_options(const Config& c, std::string name, const ListenAddress& a,
                                    std::chrono::milliseconds handler_timeout,
                                    size_t max_connections, int max_per_ip) {
  net::HttpServerOptions o;
  o.name = std::move(name);
  o.host = a.host;
  o.port = a.port;
  o.max_connections = max_connections;
  o.max_connections_per_address = static_cast<size_t>(max_per_ip);
  o.request_timeout = std::chrono::milliseconds(c.http_request_timeout_ms);
  o.write_timeout = std::chrono::milliseconds(c.http_write_timeout_ms);
  o.idle_timeout = std::max(o.request_timeout, std::chrono::milliseconds(60000));
  o.handler_timeout = handler_timeout;
  return o;
}

// One edge thread per core, at least two. More threads than cores measured ~35 % fewer small-object
// requests per second (bench/edge_throughput.sh: 4 threads on 2 cores).
int edge_thread_count() {
  return static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
}

// Runs a loop on background threads until stop() or destruction, so that an
// early return from serve() cannot leave a thread behind.
class LoopThreads {
 public:
  explicit LoopThreads(net::EventLoop& loop) : loop_(loop) {}
  ~LoopThreads() { stop(); }
  LoopThreads(const LoopThreads&) = delete;
  LoopThreads& operator=(const LoopThreads&) = delete;

  void start(int threads) {
    runner_ = std::thread([this, threads] { loop_.run(threads); });
  }
  void stop() {
    if (runner_.joinable()) {
      loop_.stop();
      runner_.join();
    }
  }

 private:
  net::EventLoop& loop_;
  std::thread runner_;
};

// On the very first start there is no API key yet: make one and show it once.
Result<std::optional<Secret>> ensure_first_api_key(store::ApiKeyRepository& keys) {
  auto existing = keys.list_keys();
  if (!existing.ok()) {
    return existing.error();
  }
  if (!existing->empty()) {
    return std::optional<Secret>();
  }
  auto key = create_api_key(keys, "default");
  if (!key.ok()) {
    return key.error();
  }
  return std::optional<Secret>(std::move(*key));
}

// A new file only its owner can read; never replaces an existing one.
Status write_secret_file(const std::string& path, const Secret& secret) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(Code::Internal, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  std::string line = std::string(secret.reveal()) + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::close(fd) == 0 && ok;
  return ok ? Status{} : make_error(Code::Internal, path + ": short write");
}

constexpr int kApiWorkers = 4;
constexpr int kReadWorkers = 8;
// A client waiting on the database gets a 503 within this (the 3 s).
constexpr std::chrono::milliseconds kApiAnswerTimeout{2500};
constexpr std::chrono::milliseconds kEdgeAnswerTimeout{10000};
// Scrapers keep one connection each; these come out of the descriptors the
// budget keeps in reserve (descriptor_budget.h).
constexpr size_t kMetricsConnections = 16;
// How long the listeners wait for restart recovery; a store that does not
// answer must not keep the node from serving live streams.
constexpr std::chrono::milliseconds kRecoveryBudget{10000};
// The event-loop latency probe. Each tick wakes its loop (and, on the edge's
// multi-threaded loop, hands off between threads): at 10 ms that alone cost an
// idle node ~2 % of a core, so the fine probe runs only when its per-tick
// lateness lines are logged (debug); otherwise it only feeds the exit summary.
constexpr std::chrono::milliseconds kFineProbeInterval{10};
constexpr std::chrono::milliseconds kProbeInterval{250};
// Server-sent events: how often the outbox is read for new events (any node
// may have written them), and the comment that keeps idle connections open.
constexpr std::chrono::milliseconds kEventPoll{500};
constexpr std::chrono::milliseconds kEventKeepalive{15000};

// Calls `fire` on the loop after `after`, unless destroyed first.
class DeadlineTimer {
 public:
  DeadlineTimer(net::EventLoop& loop, std::chrono::milliseconds after, std::function<void()> fire)
      : timer_(loop.context()) {
    timer_.expires_after(after);
    timer_.async_wait([fire = std::move(fire)](const boost::system::error_code& ec) {
      if (!ec) {
        fire();
      }
    });
  }

 private:
  boost::asio::steady_timer timer_;
};

struct IngestUrls {
  std::string rtmp;
  std::string rtmps;  // empty without RTMPS
  std::string srt;    // empty without SRT
};

void print_banner(const Config& config, const ListenAddress& api_addr, uint16_t api_port,
                  const IngestUrls& ingest, const std::string& edge_url,
                  const std::string& metrics_url, const std::optional<Secret>& first_key) {
  std::string api_base = fmt::format("http://{}:{}", reachable_host(api_addr.host), api_port);
  fmt::print("AntCDN Live is running (roles: {}).\n", config.roles);
  fmt::print("  API:       {}/v1/live-streams\n", api_base);
  fmt::print("  RTMP:      {}\n", ingest.rtmp);
  if (!ingest.rtmps.empty()) {
    fmt::print("  RTMPS:     {}\n", ingest.rtmps);
  }
  if (!ingest.srt.empty()) {
    fmt::print("  SRT:       {}\n", ingest.srt);
  }
  fmt::print("  Playback:  {}/live/{{edgeId}}/master.m3u8\n", edge_url);
  fmt::print("  Viewer:    {}/watch/{{edgeId}}\n", edge_url);
  if (config.has_role("api")) {
    fmt::print("  Console:   {}/console  (sign in with the API key)\n", api_base);
  }
  if (!metrics_url.empty()) {
    fmt::print("  Metrics:   {}\n", metrics_url);
  }
  if (first_key && !config.initial_key_file.empty()) {
    fmt::print("  API key:   written to {} (once)\n", config.initial_key_file);
  } else if (first_key) {
    fmt::print("  API key:   {}\n", first_key->reveal());
    fmt::print("             (shown once; `antcdn keys create --name NAME` makes more)\n");
  } else {
    fmt::print("  API key:   already created; `antcdn keys create --name NAME` makes another\n");
  }
  fmt::print(
      "Try: curl -X POST {}/v1/live-streams -H \"X-Api-Key: $KEY\" "
      "-H \"Content-Type: application/json\" -d '{{\"name\": \"My stream\"}}'\n",
      api_base);
  std::fflush(stdout);
}

}  // namespace

int serve(const Config& config) {
  ListenAddress api_addr;
  ListenAddress rtmp_addr;
  ListenAddress edge_addr;
  parse_listen(config.api_listen, api_addr);
  parse_listen(config.rtmp_listen, rtmp_addr);
  parse_listen(config.edge_listen, edge_addr);
  // Before anything opens descriptors in numbers.
  const DescriptorBudget caps = connection_caps(config);

  auto store = open_store(config);
  if (!store.ok()) {
    spdlog::critical("{}", store.error().describe());
    return 1;
  }
  auto first_key = ensure_first_api_key(**store);
  if (!first_key.ok()) {
    spdlog::critical("{}", first_key.error().describe());
    return 1;
  }
  if (*first_key && !config.initial_key_file.empty()) {
    if (Status written = write_secret_file(config.initial_key_file, **first_key); !written.ok()) {
      spdlog::critical("--initial-key-file: {}", written.error().describe());
      return 1;
    }
  }

  // Metrics first: the pools' last jobs (a transcoder's teardown) still count.
  metrics::Registry registry;
  ingest::rtmp::IngestMetrics ingest_metrics(registry, config.metrics_per_stream);
  transcode::TranscodeMetrics transcode_metrics(registry);
  edge::EdgeMetrics edge_metrics(registry);
  thumbnail::ThumbnailMetrics thumbnail_metrics(registry);

  // Threads (docs/architecture.md, "Threads"). The pools come first so that
  // they outlive everything that posts to them.
  net::BlockingPool api_pool("api", kApiWorkers);          // API calls (store queries)
  net::BlockingPool reads("storage-reads", kReadWorkers);  // edge origin reads
  // Stream lookups of the edge, apart from origin reads so that a slow origin
  // cannot hold the lookups of streams whose media is cached.
  net::BlockingPool lookups("edge-lookups", 2);
  net::BlockingPool teardown("teardown", 2);             // ending pipelines (joins)
  net::BlockingPool scrapes("metrics", 1);               // /metrics
  net::BlockingPool stream_counts("metrics-store", 1);   // /metrics: streams by state
  net::BlockingPool thumbnail_renders("thumbnails", 2);  // keyframe -> JPEG (CPU)
  net::BlockingPool recording_jobs("recordings", 1);     // finishing recordings (MP4 remux)
  net::EventLoop loop("ingest");                         // RTMP and API sockets
  net::EventLoop control("lifecycle", net::LoopKind::Control);
  net::EventLoop edge_loop("edge");
  auto in_background = [&reads](std::function<void()> job) { reads.post(std::move(job)); };

  // Media: disk or an S3 bucket under a memory cache (the edge serves hot
  // objects from memory), written from background queues so that ingest never
  // waits on the disk or the network.
  auto media = open_media_store(config, in_background);
  if (!media.ok()) {
    spdlog::critical("storage: {}", media.error().describe());
    return 1;
  }
  storage::CachedStore& media_store = *media->cache;
  // LL-HLS blocking reloads: woken by this node's playlist writes, and by
  // re-reading the origin for streams packaged elsewhere. Made before the
  // write queue, whose workers publish into it until they stop.
  edge::BlockingReloads reloads({.read_fresh = [&media_store](const std::string& key, auto done) {
    media_store.get_fresh_async(key, std::move(done));
  }});
  media_store.set_publish_listener(
      [&reloads](const std::string& key, const storage::ObjectPtr& object) {
        if (key.ends_with("/index.m3u8")) {
          reloads.offer(key, object);
        }
      });
  storage::WriteQueue writes(
      media_store,
      storage::WriteQueueOptions{
          .on_put_done = segment_write_observer(registry),
          // This node's viewers get parts and playlists from memory as soon as they are made.
          .on_accepted =
              [&media_store](const std::string& key, const storage::ObjectPtr& object) {
                media_store.publish(key, object);
              },
          .on_dropped =
              [&media_store](const std::string& key, const storage::ObjectPtr& object) {
                media_store.unpublish(key, object);
              },
      });

  transcode::quiet_ffmpeg_logs();
  // Health of this node's publishes and viewers of its edge, written to the
  // store for every node's API and status.json (docs/api.md).
  ingest::health::HealthBoard health;
  edge::ViewerCounter viewer_counter;
  // Recordings of this node's sessions; a restart first fails the ones its
  // previous run left unfinished (docs/recordings.md).
  record::RecordingService recordings(
      (*store)->recordings(), media_store, writes, recording_jobs,
      {.node_id = config.effective_node_id(), .staging_dir = media->staging_dir});
  if (config.has_role("ingest")) {
    recordings.recover();
  }
  record::RetentionJob retention(
      (*store)->recordings(), recordings,
      {.interval = std::chrono::seconds(config.recording_retention_interval_seconds)});
  retention.start();
  SessionPipelineFactory pipelines(*media->origin, writes, teardown, config.record_access_units_dir,
                                   config.x264_preset, config.part_duration_ms, &transcode_metrics,
                                   &health);
  pipelines.record_with(recordings);
  lifecycle::SupervisorOptions supervision{
      .ended_hold = std::chrono::seconds(config.ended_hold_seconds),
      .node_id = config.effective_node_id(),
      .ingest_role = config.has_role("ingest"),
      .lease = std::chrono::seconds(config.lease_seconds),
      .max_transcodes = static_cast<size_t>(config.effective_max_transcodes()),
  };
  // A session whose node died (or this node before a restart) is ended by the
  // watch; players need ENDLIST to stop waiting for segments.
  StartupRecovery recovery;
  auto close_abandoned = [&](const store::StreamRecord& s) {
    reads.post(recovery.track([&media_store, &recordings, s] {
      recordings.fail_stream(s.stream_id);
      if (auto closed = package::close_playlists(media_store, s.edge_id); !closed.ok()) {
        spdlog::warn("package: closing playlists of {}: {}", s.stream_id,
                     closed.error().describe());
      }
    }));
  };
  lifecycle::Supervisor supervisor(
      control, **store,
      [&](const store::StreamRecord& s, bool continue_stored) {
        return pipelines.make(s, continue_stored);
      },
      supervision, close_abandoned);
  pipelines.attach(supervisor);
  LoopThreads control_thread(control);
  control_thread.start(1);
  supervisor.start([&recovery] { recovery.watched(); });
  if (!recovery.wait_for(kRecoveryBudget)) {
    spdlog::warn("restart recovery is still running after {} s; opening the listeners anyway",
                 std::chrono::duration_cast<std::chrono::seconds>(kRecoveryBudget).count());
  }
  std::unique_ptr<ingest::rtmp::RtmpListener> rtmp;
  std::unique_ptr<RtmpsIngest> rtmps;
  std::unique_ptr<ingest::srt::SrtListener> srt;
  uint16_t srt_port = 0;
  uint16_t rtmp_port = rtmp_addr.port;
  if (config.has_role("ingest")) {
    ingest::rtmp::RtmpOptions options;
    options.metrics = &ingest_metrics;
    options.host = rtmp_addr.host;
    options.port = rtmp_addr.port;
    options.max_connections = caps.rtmp;
    options.max_connections_per_address = static_cast<size_t>(config.rtmp_max_connections_per_ip);
    rtmp = std::make_unique<ingest::rtmp::RtmpListener>(loop, options, supervisor);
    auto port = rtmp->start();
    if (!port.ok()) {
      spdlog::critical("{}", port.error().describe());
      return 1;
    }
    rtmp_port = *port;
    if (config.rtmps_enabled()) {
      auto started = RtmpsIngest::start(loop, config, options, supervisor);
      if (!started.ok()) {
        spdlog::critical("rtmps: {}", started.error().describe());
        return 1;
      }
      rtmps = std::move(*started);
    }
    if (config.srt_enabled()) {
      ListenAddress srt_addr;
      parse_listen(config.srt_listen, srt_addr);
      srt = std::make_unique<ingest::srt::SrtListener>(
          ingest::srt::SrtOptions{.host = srt_addr.host,
                                  .port = srt_addr.port,
                                  .latency_ms = config.srt_latency_ms,
                                  .max_connections = caps.rtmp,
                                  .metrics = &ingest_metrics},
          supervisor);
      auto bound = srt->start();
      if (!bound.ok()) {
        spdlog::critical("{}", bound.error().describe());
        return 1;
      }
      srt_port = *bound;
    }
  }
  // Viewers get their own loop and threads; a cache miss is read on the
  // storage-reads pool and answered from there.
  std::unique_ptr<net::HttpServer> edge_server;
  uint16_t edge_port = edge_addr.port;
  edge::StoreStreamDirectory directory(
      **store,
      {.background = [&lookups](std::function<void()> job) { lookups.post(std::move(job)); },
       .figures = store->get(),
       .recordings = &(*store)->recordings()});
  // Server-sent events of the API and the edge: one thread polls the outbox.
  store::EventFeed event_feed((*store)->webhooks(), kEventPoll, kEventKeepalive);
  event_feed.start();
  edge::StatusEvents edge_events(directory, event_feed);
  thumbnail::ThumbnailService thumbnails(
      media_store,
      {.render_on = [&thumbnail_renders](
                        std::function<void()> job) { thumbnail_renders.post(std::move(job)); },
       .metrics = &thumbnail_metrics});
  edge::EdgeRouter edge_router(media_store, directory, &edge_metrics, &viewer_counter, &edge_events,
                               &reloads, &thumbnails);
  LoopThreads edge_threads(edge_loop);
  if (config.has_role("edge")) {
    edge_server = std::make_unique<net::HttpServer>(
        edge_loop,
        http_options(config, "edge", edge_addr, kEdgeAnswerTimeout, caps.edge,
                     config.edge_max_connections_per_ip),
        [&](net::HttpRequest r, net::HttpRespond respond) { edge_router.handle(r, respond); },
        edge::text_error);
    auto port = edge_server->start();
    if (!port.ok()) {
      spdlog::critical("{}", port.error().describe());
      return 1;
    }
    edge_port = *port;
    edge_threads.start(edge_thread_count());
  }
  std::string edge_url =
      config.public_edge_url.empty()
          ? fmt::format("http://{}:{}", reachable_host(edge_addr.host), edge_port)
          : config.public_edge_url;
  while (edge_url.ends_with('/')) {
    edge_url.pop_back();
  }
  std::string rtmp_url =
      config.public_rtmp_url.empty()
          ? fmt::format("rtmp://{}:{}/live", reachable_host(rtmp_addr.host), rtmp_port)
          : config.public_rtmp_url;

  std::string rtmps_url = config.public_rtmps_url;
  if (rtmps_url.empty() && rtmps) {
    ListenAddress rtmps_addr;
    parse_listen(config.rtmps_listen, rtmps_addr);
    rtmps_url = fmt::format("rtmps://{}:{}/live", reachable_host(rtmps_addr.host), rtmps->port());
  }

  std::string srt_url = config.public_srt_url;
  if (srt_url.empty() && srt) {
    ListenAddress srt_addr;
    parse_listen(config.srt_listen, srt_addr);
    srt_url = fmt::format("srt://{}:{}", reachable_host(srt_addr.host), srt_port);
  }
  const api::PublicUrls public_urls{rtmp_url, edge_url, rtmps_url, srt_url};

  api::LiveStreams live_streams(
      **store, public_urls, &supervisor,
      [&](const store::StreamRecord& s) {
        (void)writes.remove_prefix(s.edge_id + "/", {});
        // On the API pool: the recordings' objects, then their rows.
        if (Status gone = recordings.remove_all_of(s.stream_id); !gone.ok()) {
          spdlog::warn("api: deleting the recordings of {}: {}", s.stream_id,
                       gone.error().describe());
        }
      },
      config.max_streams_per_key, store->get());
  live_streams.set_recording_defaults(config.recording_default_on(),
                                      config.recording_retention_days);
  // Stream events are rendered as the API renders the resource, in the store's
  // transaction (api/event_dto.h); the worker sends them from its own threads.
  (*store)->set_event_renderer(
      [urls = public_urls](const store::EventHeader& h, const store::StreamRecord& s) {
        return api::stream_event_json(h, s, urls);
      });
  api::Webhooks webhooks((*store)->webhooks(), {.allow_private = config.webhooks_allow_private});
  api::EventStreams api_events(**store, (*store)->webhooks(), event_feed);
  (*store)->set_recording_event_renderer(
      [urls = public_urls](const store::EventHeader& h, const store::RecordingRecord& r) {
        return api::recording_event_json(h, r, urls);
      });
  api::Recordings api_recordings(
      **store, (*store)->recordings(), public_urls,
      [&recordings](const store::RecordingRecord& r) { return recordings.remove(r); });
  api::Router api_router(**store, live_streams, &webhooks, &api_events);
  api_router.set_recordings(&api_recordings);
  webhooks::WebhookMetrics webhook_metrics(registry);
  webhooks::CurlSender webhook_sender({.allow_private = config.webhooks_allow_private});
  webhooks::DeliveryWorker webhook_worker((*store)->webhooks(), webhook_sender, webhook_metrics,
                                          {.node_id = config.effective_node_id()});
  webhook_worker.start();
  std::unique_ptr<net::HttpServer> api_server;
  uint16_t api_port = api_addr.port;
  if (config.has_role("api")) {
    auto render = [](int status, std::string_view code, std::string_view message) {
      return api::error_response(status, code, message);
    };
    // Calls that need the database run on the API pool; if it does not answer
    // in time the client gets 503 + Retry-After instead of a hung request.
    auto handle = [&](net::HttpRequest r, net::HttpRespond respond) {
      if (auto quick = api_router.answer_without_store(r)) {
        respond(std::move(*quick));
        return;
      }
      api_pool.post([&api_router, r = std::move(r), respond = std::move(respond)] {
        respond(api_router.handle(r));
      });
    };
    api_server =
        std::make_unique<net::HttpServer>(loop,
                                          http_options(config, "api", api_addr, kApiAnswerTimeout,
                                                       caps.api, config.api_max_connections_per_ip),
                                          handle, render);
    auto port = api_server->start();
    if (!port.ok()) {
      spdlog::critical("{}", port.error().describe());
      return 1;
    }
    api_port = *port;
  }

  // Prometheus, on a listener of its own (never the API's or the edge's).
  add_node_collectors(registry, {**store, stream_counts, media_store, writes, loop, edge_loop});
  std::unique_ptr<net::HttpServer> metrics_server;
  std::string metrics_url;
  if (config.metrics_enabled()) {
    ListenAddress metrics_addr;
    parse_listen(config.metrics_listen, metrics_addr);
    metrics_server = make_metrics_server(
        loop,
        http_options(config, "metrics", metrics_addr, kApiAnswerTimeout, kMetricsConnections,
                     static_cast<int>(kMetricsConnections)),
        registry, scrapes);
    auto port = metrics_server->start();
    if (!port.ok()) {
      spdlog::critical("{}", port.error().describe());
      return 1;
    }
    metrics_url = fmt::format("http://{}:{}/metrics", reachable_host(metrics_addr.host), *port);
  }

  LiveStatsReporter live_stats(
      **store, config.has_role("ingest") ? &health : nullptr,
      config.has_role("edge") ? &viewer_counter : nullptr,
      &registry.gauge("antcdn_edge_viewers",
                      "Approximate concurrent viewers on this edge node, all streams"),
      {.node_id = config.effective_node_id()});
  live_stats.start();

  print_banner(config, api_addr, api_port, {rtmp_url, rtmps_url, srt_url}, edge_url, metrics_url,
               *first_key);
  const bool fine_probe = spdlog::should_log(spdlog::level::debug);
  const auto probe_interval = fine_probe ? kFineProbeInterval : kProbeInterval;
  loop.start_latency_probe(probe_interval, &loop_lateness_histogram(registry, loop.name()));
  edge_loop.start_latency_probe(probe_interval,
                                &loop_lateness_histogram(registry, edge_loop.name()));

  const auto shutdown_timeout = std::chrono::seconds(config.shutdown_timeout_seconds);
  std::chrono::steady_clock::time_point deadline{};
  std::unique_ptr<DeadlineTimer> shutdown_timer;
  loop.on_shutdown_signal([&] {
    spdlog::info("shutting down: ending sessions and flushing storage (at most {} s)",
                 shutdown_timeout.count());
    deadline = std::chrono::steady_clock::now() + shutdown_timeout;
    if (rtmp) {
      rtmp->stop();
    }
    if (rtmps) {
      rtmps->stop();
    }
    if (srt) {
      srt->stop();
    }
    if (api_server) {
      api_server->stop();
    }
    if (metrics_server) {
      metrics_server->stop();
    }
    if (edge_server) {
      edge_loop.post([&] { edge_server->stop(); });
    }
    supervisor.shutdown([&loop] { loop.post([&loop] { loop.stop(); }); });
    shutdown_timer = std::make_unique<DeadlineTimer>(loop, shutdown_timeout, [&] {
      spdlog::warn("shutdown: sessions still ending at the deadline");
      loop.stop();
    });
  });
  loop.run(1);
  webhook_worker.stop();
  event_feed.stop();
  edge_threads.stop();
  control_thread.stop();
  live_stats.stop();
  spdlog::info("event loops: worst timer lateness {} ms (ingest/API), {} ms (edge)",
               loop.worst_latency().count() / 1000.0, edge_loop.worst_latency().count() / 1000.0);
  // Ending pipelines flush their encoders and write ENDLIST; then the writes drain.
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(deadline - std::chrono::steady_clock::now(), std::chrono::nanoseconds(0)));
  };
  bool complete = teardown.wait_idle_for(left());
  // Queued API calls and reads use what is destroyed below.
  complete = api_pool.wait_idle_for(left()) && complete;
  complete = reads.wait_idle_for(left()) && complete;
  complete = thumbnail_renders.wait_idle_for(left()) && complete;  // after the reads that feed it
  complete = lookups.wait_idle_for(left()) && complete;
  complete = scrapes.wait_idle_for(left()) && complete;
  complete = stream_counts.wait_idle_for(left()) && complete;
  if (auto unwritten = writes.flush_for(left()); unwritten.count > 0) {
    complete = false;
    spdlog::error("shutdown: {} objects were not written (storage unavailable), e.g. {}",
                  unwritten.count, unwritten.keys.front());
  }
  // Recordings that ended above are finished (MP4, state) before their service goes.
  complete = recording_jobs.wait_idle_for(left()) && complete;
  if (!complete) {
    // Threads are still busy with what the deadline cut off; destroying what
    // they use would crash. Leave without running destructors.
    spdlog::warn("shutdown: exiting at the deadline");
    spdlog::shutdown();
    std::fflush(stdout);
    std::_Exit(0);
  }
  spdlog::info("shutdown complete");
  return 0;
}

}  // namespace antcdn::app
