#include "app/config.h"

#include <gtest/gtest.h>

namespace antcdn::app {
namespace {

TEST(Config, DefaultsAreValid) {
  Config c;
  EXPECT_TRUE(c.validate().empty());
  EXPECT_EQ(c.database_url(), "sqlite://./antcdn-data/antcdn.db");
  EXPECT_EQ(c.sqlite_path(), "./antcdn-data/antcdn.db");
  EXPECT_EQ(c.storage_url(), "file://./antcdn-data/media");
}

TEST(Config, ReportsEveryErrorWithItsFlag) {
  Config c;
  c.api_listen = "nope";
  c.edge_listen = "127.0.0.1:70000";
  c.roles = "api,transcoder";
  c.database = "mysql://x";
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_TRUE(errors[0].starts_with("--api-listen:"));
  EXPECT_TRUE(errors[1].starts_with("--edge-listen:"));
  EXPECT_TRUE(errors[2].starts_with("--database:"));
  EXPECT_TRUE(errors[3].starts_with("--roles:"));
}

TEST(Config, MetricsListenerCanBeTurnedOff) {
  Config c;
  EXPECT_EQ(c.metrics_listen, "127.0.0.1:9464");
  EXPECT_TRUE(c.metrics_enabled());
  for (const char* off : {"off", ""}) {
    c.metrics_listen = off;
    EXPECT_FALSE(c.metrics_enabled());
    EXPECT_TRUE(c.validate().empty());
  }
  c.metrics_listen = "9464";
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("--metrics-listen:"));
}

TEST(Config, RtmpsNeedsAListenAddressACertificateAndAKey) {
  Config c;
  EXPECT_FALSE(c.rtmps_enabled());
  c.rtmps_listen = "0.0.0.0:1936";
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("--rtmps-listen: needs --tls-cert and --tls-key"));
  c.tls_cert_file = "cert.pem";
  c.tls_key_file = "key.pem";
  EXPECT_TRUE(c.validate().empty());
  c.rtmps_listen = "1936";
  c.public_rtmps_url = "rtmp://ingest.test/live";
  errors = c.validate();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_TRUE(errors[0].starts_with("--rtmps-listen: expected HOST:PORT"));
  EXPECT_TRUE(errors[1].starts_with("--public-rtmps-url:"));
}

TEST(Config, AdmissionLimits) {
  Config c;
  EXPECT_GE(c.effective_max_transcodes(), 1);  // max(1, cores / 2) by default
  c.max_transcodes = 3;
  EXPECT_EQ(c.effective_max_transcodes(), 3);
  c.max_transcodes = -1;
  c.max_streams_per_key = 0;
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_TRUE(errors[0].starts_with("--max-transcodes:"));
  EXPECT_TRUE(errors[1].starts_with("--max-streams-per-key:"));
}

TEST(Config, S3PartSizeIsWithinS3sBounds) {
  Config c;
  EXPECT_EQ(c.s3_part_size_mib, 16);
  for (int ok : {5, 16, 5120}) {
    c.s3_part_size_mib = ok;
    EXPECT_TRUE(c.validate().empty()) << ok;
  }
  for (int bad : {0, 4, 5121}) {
    c.s3_part_size_mib = bad;
    auto errors = c.validate();
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_TRUE(errors[0].starts_with("--s3-part-size-mib:")) << errors[0];
  }
}

TEST(Config, PartDurationIsAtLeast200MsAndAtMostTheSegmentTarget) {
  Config c;
  EXPECT_EQ(c.part_duration_ms, 500);
  for (int ok : {200, 333, 1000, 2000}) {
    c.part_duration_ms = ok;
    EXPECT_TRUE(c.validate().empty()) << ok;
  }
  for (int bad : {0, 199, 2001, -500}) {
    c.part_duration_ms = bad;
    auto errors = c.validate();
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0], "--part-duration-ms: must be 200..2000 (at most the segment target)");
  }
}

TEST(Config, ConnectionCapsAndWriteTimeout) {
  Config c;
  EXPECT_EQ(c.rtmp_max_connections_per_ip, 16);
  EXPECT_EQ(c.api_max_connections_per_ip, 64);
  EXPECT_EQ(c.edge_max_connections_per_ip, 0);
  EXPECT_EQ(c.http_write_timeout_ms, 30000);
  c.rtmp_max_connections_per_ip = 0;  // off is fine
  EXPECT_TRUE(c.validate().empty());
  c.api_max_connections_per_ip = -1;
  c.edge_max_connections = -5;
  c.http_write_timeout_ms = 10;
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_TRUE(errors[0].starts_with("--http-write-timeout-ms:"));
  EXPECT_EQ(errors[1], "--api-max-connections-per-ip: must be 0..10000000 (0: no cap)");
  EXPECT_EQ(errors[2],
            "--edge-max-connections: must be 0..10000000 (0: from the descriptor limit)");
}

TEST(Config, TakesPostgresAndS3ForSeveralNodes) {
  Config c;
  c.database = "postgres://antcdn:secret@db.internal:5432/antcdn";
  c.storage = "s3://live-media/antcdn/?endpoint=https://acct.r2.cloudflarestorage.com&region=auto";
  c.s3_access_key_id = "AKIAEXAMPLE";
  c.s3_secret_access_key = Secret("secret");
  c.roles = "ingest";
  EXPECT_TRUE(c.validate().empty());
  c.storage = "s3://?endpoint=http://127.0.0.1:9000";
  c.lease_seconds = 1;
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_TRUE(errors[0].starts_with("--storage:"));
  EXPECT_TRUE(errors[1].starts_with("--lease-seconds:"));
  for (const auto& e : errors) {
    EXPECT_EQ(e.find("secret"), std::string::npos) << "no password in messages: " << e;
  }
}

TEST(Config, S3NeedsBothHalvesOfTheKeyPair) {
  Config c;
  c.storage = "s3://media?endpoint=http://127.0.0.1:9000";
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ANTCDN_S3_ACCESS_KEY_ID and ANTCDN_S3_SECRET_ACCESS_KEY"),
            std::string::npos)
      << errors[0];

  c.s3_access_key_id = "AKIAEXAMPLE";
  errors = c.validate();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("--storage: s3:// needs ANTCDN_S3_SECRET_ACCESS_KEY "))
      << errors[0];

  c.s3_access_key_id.clear();
  c.s3_secret_access_key = Secret("hunter2");
  errors = c.validate();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("--storage: s3:// needs ANTCDN_S3_ACCESS_KEY_ID "))
      << errors[0];
  EXPECT_EQ(errors[0].find("hunter2"), std::string::npos);

  c.s3_access_key_id = "AKIAEXAMPLE";
  EXPECT_TRUE(c.validate().empty());
  // A disk store needs none; credentials left in a shared environment are ignored.
  c.storage.clear();
  c.s3_access_key_id.clear();
  EXPECT_TRUE(c.validate().empty());
}

// spdlog reads an unknown level as "off": a typo would silence the log.
TEST(Config, LogLevelIsOneOfTheFive) {
  Config c;
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    c.log_level = level;
    EXPECT_TRUE(c.validate().empty()) << level;
  }
  c.log_level = "warning";
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "--log-level: use trace, debug, info, warn or error, got 'warning'");
}

// The default node id is stable across restarts (host and RTMP port), so a
// restarted ingest node recognises its own sessions; a flag overrides it.
TEST(Config, NodeIdDefaultsToHostAndRtmpPort) {
  Config c;
  c.rtmp_listen = "0.0.0.0:1936";
  EXPECT_TRUE(c.effective_node_id().ends_with(":1936"));
  EXPECT_GT(c.effective_node_id().size(), std::string(":1936").size());
  EXPECT_EQ(c.effective_node_id(), c.effective_node_id());
  c.node_id = "ingest-a";
  EXPECT_EQ(c.effective_node_id(), "ingest-a");
}

TEST(Config, ParsesListenAddresses) {
  ListenAddress a;
  ASSERT_TRUE(parse_listen("0.0.0.0:1935", a));
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 1935);
  ASSERT_TRUE(parse_listen("[::1]:0", a));
  EXPECT_EQ(a.host, "::1");
  EXPECT_FALSE(parse_listen(":80", a));
  EXPECT_FALSE(parse_listen("host:", a));
  EXPECT_FALSE(parse_listen("host:-1", a));
}

}  // namespace
}  // namespace antcdn::app
