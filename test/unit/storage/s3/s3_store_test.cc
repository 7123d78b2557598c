// S3Store against a real S3 API that checks signatures: OpenStack Swift with
// s3api on loopback. Run it with
//
//   tools/swift_loopback.sh start /tmp/swift
//   ANTCDN_TEST_S3_ENDPOINT=$(cat /tmp/swift/endpoint) ./unit_tests --gtest_filter='S3Store*'
//   tools/swift_loopback.sh stop /tmp/swift
//
// Without ANTCDN_TEST_S3_ENDPOINT every test here is skipped. Each test gets a
// bucket of its own (test:tester / testing, region us-east-1).

#include "storage/s3/s3_store.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/crypto.h"
#include "support/temp_dir.h"
#include "support/test_servers.h"

namespace antcdn::storage::s3 {
namespace {

constexpr const char* kEndpointEnv = "ANTCDN_TEST_S3_ENDPOINT";

S3Credentials swift_credentials(std::string secret = "testing") {
  return {"test:tester", Secret(std::move(secret))};
}

std::string text_of(const ObjectPtr& o) {
  return std::string(as_chars(o->data));
}

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto endpoint = antcdn::testing::server_address(kEndpointEnv, "swift/endpoint");
    if (!endpoint) {
      GTEST_SKIP() << "needs an S3 endpoint: tools/swift_loopback.sh start DIR, then run with "
                   << kEndpointEnv << "=$(cat DIR/endpoint)";
    }
    ASSERT_FALSE(endpoint->empty()) << "ANTCDN_TEST_SERVERS_DIR has no swift/endpoint";
    endpoint_ = *endpoint;
    bucket_ = "antcdn-" + crypto::hex(crypto::random_bytes(6));
    store_ = make_store("");
    Status s = store_->ensure_bucket();
    ASSERT_TRUE(s.ok()) << s.error().describe();
  }

  std::unique_ptr<S3Store> make_store(const std::string& prefix, S3StoreOptions options = {},
                                      S3Credentials credentials = swift_credentials()) {
    auto location = parse_s3_location("s3://" + bucket_ + "/" + prefix + "?endpoint=" + endpoint_);
    EXPECT_TRUE(location.ok()) << location.error().describe();
    return std::make_unique<S3Store>(*location, std::move(credentials), options);
  }

  Status put(S3Store& store, const std::string& key, std::string_view text) {
    return store.put(key, make_object(to_bytes(text), PutOptions{"text/plain", "no-cache"}));
  }
  bool exists(S3Store& store, const std::string& key) {
    auto r = store.get(key);
    EXPECT_TRUE(r.ok() || r.error().code == Code::NotFound) << r.error().describe();
    return r.ok();
  }

  std::string endpoint_;
  std::string bucket_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3StoreTest, EnsureBucketFindsTheBucketItCreated) {
  EXPECT_TRUE(store_->ensure_bucket().ok());
}

TEST_F(S3StoreTest, PutThenGetReturnsBytesAndHeaders) {
  Bytes every_byte;
  for (int i = 0; i < 256 * 64; ++i) {
    every_byte.push_back(static_cast<std::byte>(i & 0xff));
  }
  const PutOptions options{"video/iso.segment", "public, max-age=31536000, immutable"};
  ASSERT_TRUE(store_->put("lse_a/720p/seg-1.m4s", make_object(every_byte, options)).ok());
  auto got = store_->get("lse_a/720p/seg-1.m4s");
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ((*got)->data, every_byte);
  EXPECT_EQ((*got)->options.content_type, "video/iso.segment");
  EXPECT_EQ((*got)->options.cache_control, "public, max-age=31536000, immutable");

  // Empty objects and every key character survive too.
  ASSERT_TRUE(
      store_->put("A-z_0.9/empty", make_object(Bytes{}, PutOptions{"text/plain", ""})).ok());
  auto empty = store_->get("A-z_0.9/empty");
  ASSERT_TRUE(empty.ok()) << empty.error().describe();
  EXPECT_TRUE((*empty)->data.empty());
}

TEST_F(S3StoreTest, OverwriteReplacesTheObject) {
  ASSERT_TRUE(put(*store_, "lse_a/720p/index.m3u8", "a much longer first version").ok());
  ASSERT_TRUE(store_
                  ->put("lse_a/720p/index.m3u8",
                        make_object(to_bytes("v2"),
                                    PutOptions{"application/vnd.apple.mpegurl", "max-age=1"}))
                  .ok());
  auto got = store_->get("lse_a/720p/index.m3u8");
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ(text_of(*got), "v2");
  EXPECT_EQ((*got)->options.content_type, "application/vnd.apple.mpegurl");
  EXPECT_EQ((*got)->options.cache_control, "max-age=1");
}

TEST_F(S3StoreTest, MissingObjectsAreNotFoundAndRemovingThemIsFine) {
  auto r = store_->get("lse_a/none.m4s");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::NotFound) << r.error().describe();
  EXPECT_TRUE(store_->remove("lse_a/none.m4s").ok());

  ASSERT_TRUE(put(*store_, "lse_a/x", "x").ok());
  ASSERT_TRUE(store_->remove("lse_a/x").ok());
  EXPECT_FALSE(exists(*store_, "lse_a/x"));
}

TEST_F(S3StoreTest, RemovePrefixPagesThroughTheListing) {
  S3StoreOptions small_pages;
  small_pages.list_page_size = 7;  // 30 keys: five pages
  auto store = make_store("", small_pages);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(put(*store, "lse_a/720p/seg-" + std::to_string(i) + ".m4s", "s").ok());
  }
  ASSERT_TRUE(put(*store, "lse_ab/index.m3u8", "sibling").ok());
  ASSERT_TRUE(put(*store, "lse_b/index.m3u8", "other").ok());

  ASSERT_TRUE(store->remove_prefix("lse_a/").ok());
  for (int i = 0; i < 30; ++i) {
    EXPECT_FALSE(exists(*store, "lse_a/720p/seg-" + std::to_string(i) + ".m4s")) << i;
  }
  EXPECT_TRUE(exists(*store, "lse_ab/index.m3u8")) << "\"lse_a/\" is not a prefix of lse_ab";
  EXPECT_TRUE(exists(*store, "lse_b/index.m3u8"));

  // Without the slash it is a plain string prefix, as in S3.
  ASSERT_TRUE(store->remove_prefix("lse_a").ok());
  EXPECT_FALSE(exists(*store, "lse_ab/index.m3u8"));
  EXPECT_TRUE(exists(*store, "lse_b/index.m3u8"));
  EXPECT_TRUE(store->remove_prefix("lse_none/").ok());
}

TEST_F(S3StoreTest, TheLocationPrefixSeparatesStoresInOneBucket) {
  auto one = make_store("one");
  auto two = make_store("two/");
  ASSERT_TRUE(put(*one, "lse_a/k", "1").ok());
  ASSERT_TRUE(put(*two, "lse_a/k", "2").ok());
  ASSERT_TRUE(one->remove_prefix("lse_a/").ok());
  EXPECT_FALSE(exists(*one, "lse_a/k"));
  auto kept = two->get("lse_a/k");
  ASSERT_TRUE(kept.ok()) << kept.error().describe();
  EXPECT_EQ(text_of(*kept), "2");
  // The prefix is part of the real key.
  auto raw = store_->get("two/lse_a/k");
  ASSERT_TRUE(raw.ok()) << raw.error().describe();
  EXPECT_EQ(text_of(*raw), "2");
}

TEST_F(S3StoreTest, AWrongSecretIsUnauthenticatedAndNeverQuoted) {
  const std::string wrong = "wrong-secret-5e1f";
  auto store = make_store("", {}, swift_credentials(wrong));
  auto check = [&](const Status& s, const char* op) {
    ASSERT_FALSE(s.ok()) << op;
    const std::string text = s.error().describe();
    EXPECT_EQ(s.error().code, Code::Unauthenticated) << op << ": " << text;
    EXPECT_NE(text.find("HTTP 403"), std::string::npos) << op << ": " << text;
    EXPECT_EQ(text.find(wrong), std::string::npos) << op << ": " << text;
    EXPECT_EQ(text.find("Signature="), std::string::npos) << op << ": " << text;
  };
  Status put_status = put(*store, "lse_a/k", "x");
  check(put_status, "put");
  EXPECT_NE(put_status.error().describe().find("SignatureDoesNotMatch"), std::string::npos)
      << put_status.error().describe();
  auto got = store->get("lse_a/k");
  check(got.ok() ? Status{} : Status(got.error()), "get");
  check(store->remove("lse_a/k"), "remove");
  check(store->remove_prefix("lse_a/"), "remove_prefix");
  check(store->ensure_bucket(), "ensure_bucket");
}

// A port that was just free: nothing listens, so connecting is refused at once.
uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(S3StoreTest, ADeadEndpointIsUnavailable) {
  auto location = parse_s3_location("s3://" + bucket_ +
                                    "?endpoint=http://127.0.0.1:" + std::to_string(closed_port()));
  ASSERT_TRUE(location.ok());
  S3Store dead(*location, swift_credentials());
  Status s = dead.put("lse_a/k", make_object(to_bytes("x")));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unavailable) << s.error().describe();
  EXPECT_EQ(dead.get("lse_a/k").error().code, Code::Unavailable);
  EXPECT_EQ(dead.ensure_bucket().error().code, Code::Unavailable);
}

TEST_F(S3StoreTest, ThreadsShareOneStore) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const std::string key = "lse_t" + std::to_string(t) + "/" + std::to_string(i);
        const std::string body = key + "-body";
        if (!put(*store_, key, body).ok()) {
          ++failures;
          continue;
        }
        auto got = store_->get(key);
        if (!got.ok() || text_of(*got) != body) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace antcdn::storage::s3

namespace antcdn::storage::s3 {
namespace {

// A file over one part goes up as a real multipart upload (Swift's s3api,
// with its SLO middleware, wants parts of at least 5 MiB but the last), and
// comes back whole and by ranges, across part boundaries.
TEST_F(S3StoreTest, PutFileUploadsInPartsAndRangesReadItBack) {
  S3StoreOptions options;
  options.part_bytes = uint64_t{5} << 20;
  auto store = make_store("", options);
  Bytes data((size_t{11} << 20) + 12345);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<std::byte>((i * 2654435761u) >> 13);
  }
  test::TempDir dir;
  const auto file = dir.path() / "big.mp4";
  {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  Status s = store->put_file("rec/download.mp4", file, PutOptions{"video/mp4", "immutable"});
  ASSERT_TRUE(s.ok()) << s.error().describe();

  auto size = store->get_range("rec/download.mp4", 0, 0);
  ASSERT_TRUE(size.ok()) << size.error().describe();
  EXPECT_EQ(size->total_size, data.size());
  const uint64_t boundary = uint64_t{5} << 20;
  auto across = store->get_range("rec/download.mp4", boundary - 100, 300);
  ASSERT_TRUE(across.ok()) << across.error().describe();
  EXPECT_EQ(across->total_size, data.size());
  EXPECT_TRUE(std::equal(across->data.begin(), across->data.end(),
                         data.begin() + static_cast<ptrdiff_t>(boundary - 100)));
  EXPECT_EQ(across->data.size(), 300u);
  auto tail = store->get_range("rec/download.mp4", data.size() - 10, 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->data.size(), 10u);
  auto past = store->get_range("rec/download.mp4", data.size(), 100);
  ASSERT_TRUE(past.ok()) << past.error().describe();
  EXPECT_TRUE(past->data.empty());
  EXPECT_EQ(past->total_size, data.size());
  auto whole = store->get("rec/download.mp4");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ((*whole)->data, data);
  EXPECT_EQ((*whole)->options.content_type, "video/mp4");
  EXPECT_EQ(store->get_range("rec/none.mp4", 0, 0).error().code, Code::NotFound);

  ASSERT_TRUE(store->remove_prefix("rec/").ok());
  EXPECT_FALSE(exists(*store, "rec/download.mp4"));
}

}  // namespace
}  // namespace antcdn::storage::s3
