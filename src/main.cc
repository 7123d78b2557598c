// antcdn: argv -> Config -> app.

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/config.h"
#include "app/keys_cli.h"
#include "app/server.h"

namespace {

void add_store_flags(CLI::App& cmd, antcdn::app::Config& c) {
  cmd.add_option("--data-dir", c.data_dir, "Directory for the database and media")
      ->envname("ANTCDN_DATA_DIR");
  cmd.add_option("--database", c.database,
                 "sqlite://PATH (default: DATA_DIR/antcdn.db) or postgres://USER@HOST:PORT/DB")
      ->envname("ANTCDN_DATABASE");
}

void add_connection_flags(CLI::App& cmd, antcdn::app::Config& c) {
  struct Flag {
    const char* name;
    int* value;
    const char* help;
    const char* env;
  };
  const Flag flags[] = {
      {"--rtmp-max-connections-per-ip", &c.rtmp_max_connections_per_ip,
       "RTMP connections one address may hold (0: no cap)", "ANTCDN_RTMP_MAX_CONNECTIONS_PER_IP"},
      {"--api-max-connections-per-ip", &c.api_max_connections_per_ip,
       "API connections one address may hold (0: no cap)", "ANTCDN_API_MAX_CONNECTIONS_PER_IP"},
      {"--edge-max-connections-per-ip", &c.edge_max_connections_per_ip,
       "Playback connections one address may hold (0: no cap; viewers share NATs)",
       "ANTCDN_EDGE_MAX_CONNECTIONS_PER_IP"},
      {"--rtmp-max-connections", &c.rtmp_max_connections,
       "RTMP connections in all (0: from the descriptor limit)", "ANTCDN_RTMP_MAX_CONNECTIONS"},
      {"--api-max-connections", &c.api_max_connections,
       "API connections in all (0: from the descriptor limit)", "ANTCDN_API_MAX_CONNECTIONS"},
      {"--edge-max-connections", &c.edge_max_connections,
       "Playback connections in all (0: from the descriptor limit)", "ANTCDN_EDGE_MAX_CONNECTIONS"},
  };
  for (const Flag& f : flags) {
    cmd.add_option(f.name, *f.value, f.help)->envname(f.env);
  }
}

// Secrets come from the environment only: a flag's value shows in `ps`.
void read_s3_credentials(antcdn::app::Config& c) {
  if (const char* id = std::getenv("ANTCDN_S3_ACCESS_KEY_ID"); id != nullptr) {
    c.s3_access_key_id = id;
  }
  if (const char* secret = std::getenv("ANTCDN_S3_SECRET_ACCESS_KEY"); secret != nullptr) {
    c.s3_secret_access_key = antcdn::Secret(secret);
  }
}

int run(int argc, char** argv) {
  using antcdn::app::Config;
  Config config;
  CLI::App app{"AntCDN Live: RTMP in, adaptive CMAF HLS out"};
  app.require_subcommand(1);

  auto* serve = app.add_subcommand("serve", "Run the service");
  add_store_flags(*serve, config);
  serve->add_option("--api-listen", config.api_listen, "HOST:PORT of the JSON API and console")
      ->envname("ANTCDN_API_LISTEN");
  serve->add_option("--rtmp-listen", config.rtmp_listen, "HOST:PORT of RTMP ingest")
      ->envname("ANTCDN_RTMP_LISTEN");
  serve
      ->add_option("--rtmps-listen", config.rtmps_listen,
                   "HOST:PORT of RTMPS ingest (RTMP over TLS; off unless set)")
      ->envname("ANTCDN_RTMPS_LISTEN");
  serve
      ->add_option("--tls-cert", config.tls_cert_file,
                   "PEM certificate chain of the RTMPS listener (read again on SIGHUP)")
      ->envname("ANTCDN_TLS_CERT");
  serve
      ->add_option("--tls-key", config.tls_key_file,
                   "PEM private key of the RTMPS listener (read again on SIGHUP)")
      ->envname("ANTCDN_TLS_KEY");
  serve->add_option("--public-rtmps-url", config.public_rtmps_url, "RTMPS URL shown to encoders")
      ->envname("ANTCDN_PUBLIC_RTMPS_URL");
  serve
      ->add_option("--srt-listen", config.srt_listen,
                   "HOST:PORT (UDP) of SRT ingest, streamid = stream key (off unless set)")
      ->envname("ANTCDN_SRT_LISTEN");
  serve
      ->add_option("--srt-latency-ms", config.srt_latency_ms,
                   "SRT receiver latency: time to recover lost packets (default 120)")
      ->envname("ANTCDN_SRT_LATENCY_MS");
  serve->add_option("--public-srt-url", config.public_srt_url, "SRT URL shown to encoders")
      ->envname("ANTCDN_PUBLIC_SRT_URL");
  serve->add_option("--edge-listen", config.edge_listen, "HOST:PORT of HLS playback")
      ->envname("ANTCDN_EDGE_LISTEN");
  serve
      ->add_option("--metrics-listen", config.metrics_listen,
                   "HOST:PORT of Prometheus /metrics (\"off\" disables)")
      ->envname("ANTCDN_METRICS_LISTEN");
  serve
      ->add_flag("--metrics-per-stream", config.metrics_per_stream,
                 "Also export per-stream ingest series, labelled with the stream id")
      ->envname("ANTCDN_METRICS_PER_STREAM");
  serve->add_option("--public-rtmp-url", config.public_rtmp_url, "RTMP URL shown to encoders")
      ->envname("ANTCDN_PUBLIC_RTMP_URL");
  serve->add_option("--public-edge-url", config.public_edge_url, "Base URL of playback")
      ->envname("ANTCDN_PUBLIC_EDGE_URL");
  serve
      ->add_option("--storage", config.storage,
                   "file://DIR (default: DATA_DIR/media) or "
                   "s3://BUCKET/PREFIX?endpoint=URL&region=REGION")
      ->envname("ANTCDN_STORAGE");
  serve
      ->add_option("--s3-part-size-mib", config.s3_part_size_mib,
                   "s3:// storage: larger objects (a recording's MP4) are uploaded in parts of "
                   "this many MiB (5..5120)")
      ->envname("ANTCDN_S3_PART_SIZE_MIB");
  serve->add_option("--roles", config.roles, "Comma-separated: api,ingest,edge")
      ->envname("ANTCDN_ROLES");
  serve
      ->add_option("--http-request-timeout-ms", config.http_request_timeout_ms,
                   "Time a client has to send one whole HTTP request")
      ->envname("ANTCDN_HTTP_REQUEST_TIMEOUT_MS");
  serve
      ->add_option("--http-write-timeout-ms", config.http_write_timeout_ms,
                   "Time each write of an HTTP response has to make progress (slow viewers)")
      ->envname("ANTCDN_HTTP_WRITE_TIMEOUT_MS");
  add_connection_flags(*serve, config);
  serve
      ->add_option("--record-access-units", config.record_access_units_dir,
                   "Debugging: write every access unit ingest produces to DIR/{streamId}.jsonl")
      ->envname("ANTCDN_RECORD_ACCESS_UNITS");
  serve
      ->add_option("--ended-hold-seconds", config.ended_hold_seconds,
                   "How long an ended stream shows `ended` before `idle`")
      ->envname("ANTCDN_ENDED_HOLD_SECONDS");
  serve
      ->add_option("--node-id", config.node_id,
                   "Name of this node among those sharing the database (default HOST:RTMP_PORT)")
      ->envname("ANTCDN_NODE_ID");
  serve
      ->add_option("--lease-seconds", config.lease_seconds,
                   "Sessions of an ingest node that stops renewing end after this long")
      ->envname("ANTCDN_LEASE_SECONDS");
  serve
      ->add_option("--shutdown-timeout-seconds", config.shutdown_timeout_seconds,
                   "On SIGTERM/SIGINT: how long to end sessions and flush storage before exiting")
      ->envname("ANTCDN_SHUTDOWN_TIMEOUT_SECONDS");
  serve
      ->add_option("--max-transcodes", config.max_transcodes,
                   "Transcoded streams this node runs at once; more are refused (0: cores / 2)")
      ->envname("ANTCDN_MAX_TRANSCODES");
  serve
      ->add_option("--max-streams-per-key", config.max_streams_per_key,
                   "Live streams one API key may own; creating more answers 429")
      ->envname("ANTCDN_MAX_STREAMS_PER_KEY");
  serve
      ->add_option("--recording-default", config.recording_default,
                   "on|off: whether streams created without `recording` record their sessions")
      ->envname("ANTCDN_RECORDING_DEFAULT");
  serve
      ->add_option("--recording-retention-days", config.recording_retention_days,
                   "How long recordings of streams created without retentionDays are kept")
      ->envname("ANTCDN_RECORDING_RETENTION_DAYS");
  serve
      ->add_option("--recording-retention-interval-seconds",
                   config.recording_retention_interval_seconds,
                   "How often this node deletes expired recordings")
      ->envname("ANTCDN_RECORDING_RETENTION_INTERVAL_SECONDS");
  serve
      ->add_flag("--webhooks-allow-private", config.webhooks_allow_private,
                 "Let webhooks target loopback, link-local and private addresses (tests, labs)")
      ->envname("ANTCDN_WEBHOOKS_ALLOW_PRIVATE");
  serve
      ->add_option("--x264-preset", config.x264_preset,
                   "x264 preset for the standard and high ladders")
      ->envname("ANTCDN_X264_PRESET");
  serve
      ->add_option("--part-duration-ms", config.part_duration_ms,
                   "LL-HLS part length of latencyMode \"low\" streams (default 500)")
      ->envname("ANTCDN_PART_DURATION_MS");
  serve->add_option("--log-level", config.log_level, "trace|debug|info|warn|error")
      ->envname("ANTCDN_LOG_LEVEL");
  serve
      ->add_option("--initial-key-file", config.initial_key_file,
                   "Write the first API key to this new file (mode 0600) instead of stdout")
      ->envname("ANTCDN_INITIAL_KEY_FILE");

  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);
  std::string key_name;
  std::string key_id;
  auto* create = keys->add_subcommand("create", "Create an API key and print it once");
  create->add_option("--name", key_name, "A label for the key")->required();
  add_store_flags(*create, config);
  auto* list = keys->add_subcommand("list", "List API keys (never the keys themselves)");
  add_store_flags(*list, config);
  auto* revoke = keys->add_subcommand("revoke", "Revoke an API key; it stops working at once");
  revoke->add_option("ID", key_id, "The key id shown by `keys list`")->required();
  add_store_flags(*revoke, config);

  auto* version = app.add_subcommand("version", "Print the version and the commit built");

  CLI11_PARSE(app, argc, argv);
  if (*version) {
    fmt::print("antcdn {} ({})\n", ANTCDN_VERSION, ANTCDN_COMMIT);
    return 0;
  }
  read_s3_credentials(config);

  if (auto errors = config.validate(); !errors.empty()) {
    for (const auto& e : errors) {
      fmt::print(stderr, "antcdn: {}\n", e);
    }
    return 2;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("antcdn"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));  // validated: never "off"
  if (*serve) {
    return antcdn::app::serve(config);
  }
  if (*create) {
    return antcdn::app::keys_create(config, key_name);
  }
  if (*list) {
    return antcdn::app::keys_list(config);
  }
  return antcdn::app::keys_revoke(config, key_id);
}

}  // namespace

int main(int argc, char** argv) {
  // Exceptions come only from start-up (CLI11, spdlog, Boost); they end in one line.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "antcdn: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "antcdn: unexpected error\n");
  }
  return 1;
}
