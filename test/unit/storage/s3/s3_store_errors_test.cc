// S3Store over a scripted transport: what it sends, and how it maps answers a
// live server will not give on demand (503, 429, a listing outside its prefix).
// s3_store_test.cc covers the same store against a real Swift s3api.

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>

#include "storage/s3/s3_store.h"
#include "support/temp_dir.h"

namespace antcdn::storage::s3 {
namespace {

class ScriptedTransport final : public HttpTransport {
 public:
  struct Seen {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string header(std::string_view name) const {
      for (const auto& [n, v] : headers) {
        if (n == name) {
          return v;
        }
      }
      return "<none>";
    }
  };

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    seen_.push_back(
        {request.method, request.url, request.headers, std::string(as_chars(request.body))});
    if (answers_.empty()) {
      return make_error(Code::Unavailable, "no scripted answer");
    }
    auto next = std::move(answers_.front());
    answers_.pop_front();
    return next;
  }

  void answer(int status, std::string body = "",
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    answers_.emplace_back(HttpResponse{status, std::move(headers), to_bytes(body)});
  }
  void fail(Code code) { answers_.emplace_back(make_error(code, "connection refused")); }

  std::vector<Seen> seen_;

 private:
  std::mutex mutex_;
  std::deque<Result<HttpResponse>> answers_;
};

constexpr const char* kSecret = "very-secret-value-123";

// A store of bucket "media", prefix "live/", over a scripted transport (`fake`).
std::unique_ptr<S3Store> scripted_store(const S3StoreOptions& options, ScriptedTransport*& fake) {
  auto location = parse_s3_location("s3://media/live?endpoint=http://127.0.0.1:9000");
  EXPECT_TRUE(location.ok());
  auto transport = std::make_unique<ScriptedTransport>();
  fake = transport.get();
  return std::make_unique<S3Store>(*location, S3Credentials{"AKIDEXAMPLE", Secret(kSecret)},
                                   options, std::move(transport));
}

class S3StoreErrorsTest : public ::testing::Test {
 protected:
  S3StoreErrorsTest() {
    S3StoreOptions options;
    options.list_page_size = 2;
    store_ = scripted_store(options, fake_);
  }

  ScriptedTransport* fake_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3StoreErrorsTest, PutSendsAPathStyleSignedRequest) {
  fake_->answer(200);
  ASSERT_TRUE(store_
                  ->put("lse_a/720p/seg-1.m4s",
                        make_object(to_bytes("abc"), PutOptions{"video/iso.segment", "max-age=60"}))
                  .ok());
  ASSERT_EQ(fake_->seen_.size(), 1u);
  const auto& put = fake_->seen_[0];
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.url, "http://127.0.0.1:9000/media/live/lse_a/720p/seg-1.m4s");
  EXPECT_EQ(put.body, "abc");
  EXPECT_EQ(put.header("host"), "127.0.0.1:9000");
  EXPECT_EQ(put.header("content-type"), "video/iso.segment");
  EXPECT_EQ(put.header("cache-control"), "max-age=60");
  EXPECT_EQ(put.header("x-amz-content-sha256"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  const std::string auth = put.header("authorization");
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")) << auth;
  EXPECT_NE(auth.find("/us-east-1/s3/aws4_request, SignedHeaders=cache-control;content-type;host;"
                      "x-amz-content-sha256;x-amz-date, Signature="),
            std::string::npos)
      << auth;
  EXPECT_EQ(put.header("x-amz-date").size(), 16u);
}

TEST_F(S3StoreErrorsTest, InvalidKeysNeverReachTheServer) {
  EXPECT_EQ(store_->put("../x", make_object(Bytes{})).error().code, Code::InvalidArgument);
  EXPECT_EQ(store_->get("a//b").error().code, Code::InvalidArgument);
  EXPECT_EQ(store_->remove("").error().code, Code::InvalidArgument);
  EXPECT_EQ(store_->remove_prefix("").error().code, Code::InvalidArgument);
  EXPECT_TRUE(fake_->seen_.empty());
}

TEST_F(S3StoreErrorsTest, RetryableFailuresAreUnavailable) {
  fake_->fail(Code::Unavailable);
  fake_->answer(503, "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>");
  fake_->answer(500);
  fake_->answer(429);
  fake_->answer(400, "<Error><Code>RequestTimeout</Code></Error>");
  for (int i = 0; i < 5; ++i) {
    Status s = store_->put("k", make_object(to_bytes("x")));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Code::Unavailable) << s.error().describe();
  }
}

TEST_F(S3StoreErrorsTest, AuthFailuresNameTheS3CodeButNeverTheSecret) {
  fake_->answer(403,
                "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
                "calculated does not match\nthe signature you provided.</Message></Error>");
  Status s = store_->put("k", make_object(to_bytes("x")));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unauthenticated);
  const std::string text = s.error().describe();
  EXPECT_NE(text.find("HTTP 403 SignatureDoesNotMatch"), std::string::npos) << text;
  EXPECT_NE(text.find("s3 put \"k\""), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(text.find("Signature="), std::string::npos) << text;
  EXPECT_EQ(text.find("Credential="), std::string::npos) << text;
}

TEST_F(S3StoreErrorsTest, OtherStatuses) {
  fake_->answer(404, "<Error><Code>NoSuchKey</Code></Error>");
  EXPECT_EQ(store_->get("k").error().code, Code::NotFound);
  fake_->answer(404, "<Error><Code>NoSuchKey</Code></Error>");
  EXPECT_TRUE(store_->remove("k").ok());
  fake_->answer(204);
  EXPECT_TRUE(store_->remove("k").ok());
  fake_->answer(301, "<Error><Code>PermanentRedirect</Code></Error>");
  EXPECT_EQ(store_->get("k").error().code, Code::InvalidArgument);
  fake_->answer(409);
  EXPECT_EQ(store_->put("k", make_object(Bytes{})).error().code, Code::Conflict);
  fake_->answer(405);
  EXPECT_EQ(store_->put("k", make_object(Bytes{})).error().code, Code::Internal);
}

TEST_F(S3StoreErrorsTest, GetReturnsBodyAndStoredHeaders) {
  fake_->answer(200, "payload",
                {{"content-type", "application/vnd.apple.mpegurl"}, {"cache-control", "no-cache"}});
  auto r = store_->get("lse_a/index.m3u8");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(as_chars((*r)->data), "payload");
  EXPECT_EQ((*r)->options.content_type, "application/vnd.apple.mpegurl");
  EXPECT_EQ((*r)->options.cache_control, "no-cache");
  EXPECT_EQ(fake_->seen_[0].url, "http://127.0.0.1:9000/media/live/lse_a/index.m3u8");
}

std::string page(std::vector<std::string> keys, std::string next_token) {
  std::string xml = "<ListBucketResult>";
  for (const auto& k : keys) {
    xml += "<Contents><Key>" + k + "</Key></Contents>";
  }
  xml += next_token.empty() ? "<IsTruncated>false</IsTruncated>"
                            : "<IsTruncated>true</IsTruncated><NextContinuationToken>" +
                                  next_token + "</NextContinuationToken>";
  return xml + "</ListBucketResult>";
}

constexpr std::string_view kDeleted = "<DeleteResult></DeleteResult>";

TEST_F(S3StoreErrorsTest, RemovePrefixFollowsContinuationTokens) {
  fake_->answer(200, page({"live/lse_a/1", "live/lse_a/2"}, "t/1+="));
  fake_->answer(200, std::string(kDeleted));
  fake_->answer(200, page({"live/lse_a/3"}, ""));
  fake_->answer(200, std::string(kDeleted));
  ASSERT_TRUE(store_->remove_prefix("lse_a/").ok());
  std::vector<std::string> urls;
  for (const auto& s : fake_->seen_) {
    urls.push_back(s.method + " " + s.url);
  }
  const std::string base = "http://127.0.0.1:9000/media";
  EXPECT_EQ(urls, (std::vector<std::string>{
                      "GET " + base + "?list-type=2&max-keys=2&prefix=live%2Flse_a%2F",
                      "POST " + base + "?delete=",
                      "GET " + base +
                          "?continuation-token=t%2F1%2B%3D&list-type=2&max-keys=2&prefix=live%"
                          "2Flse_a%2F",
                      "POST " + base + "?delete=",
                  }));
  // Each page is one DeleteObjects naming its keys, with the Content-MD5 S3 requires.
  EXPECT_EQ(fake_->seen_[1].body,
            R"(<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet>)"
            "<Object><Key>live/lse_a/1</Key></Object><Object><Key>live/lse_a/2</Key></Object>"
            "</Delete>");
  bool has_md5 = false;
  for (const auto& [name, value] : fake_->seen_[1].headers) {
    has_md5 = has_md5 || (name == "content-md5" && value.size() == 24);
  }
  EXPECT_TRUE(has_md5);
}

TEST_F(S3StoreErrorsTest, RemoveManyReportsAKeyTheServerKept) {
  fake_->answer(200,
                "<DeleteResult><Error><Key>live/lse_a/2</Key><Code>AccessDenied</Code>"
                "<Message>no</Message></Error></DeleteResult>");
  Status s = store_->remove_many({"lse_a/1", "lse_a/2"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().describe().find("live/lse_a/2"), std::string::npos);
  EXPECT_NE(s.error().describe().find("AccessDenied"), std::string::npos);
}

TEST_F(S3StoreErrorsTest, RemovePrefixRefusesAListingOutsideItsPrefix) {
  // A server that ignored `prefix` would otherwise get the whole bucket deleted.
  fake_->answer(200, page({"live/lse_a/1", "live/lse_b/1"}, ""));
  Status s = store_->remove_prefix("lse_a/");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Internal);
  ASSERT_EQ(fake_->seen_.size(), 1u);  // the listing only: nothing of that page is deleted
}

TEST_F(S3StoreErrorsTest, RemovePrefixStopsOnAMalformedOrLoopingListing) {
  fake_->answer(200, "<html>proxy error</html>");
  EXPECT_EQ(store_->remove_prefix("lse_a/").error().code, Code::Internal);
  fake_->answer(200, page({}, "same"));
  fake_->answer(200, page({}, "same"));
  EXPECT_EQ(store_->remove_prefix("lse_a/").error().code, Code::Internal);
  fake_->answer(403, "<Error><Code>AccessDenied</Code></Error>");
  EXPECT_EQ(store_->remove_prefix("lse_a/").error().code, Code::Unauthenticated);
}

TEST_F(S3StoreErrorsTest, EnsureBucket) {
  fake_->answer(200);
  EXPECT_TRUE(store_->ensure_bucket().ok());
  EXPECT_EQ(fake_->seen_.back().method, "HEAD");
  EXPECT_EQ(fake_->seen_.back().url, "http://127.0.0.1:9000/media");

  fake_->answer(404);
  fake_->answer(200);
  EXPECT_TRUE(store_->ensure_bucket().ok());
  EXPECT_EQ(fake_->seen_.back().method, "PUT");
  EXPECT_EQ(fake_->seen_.back().body, "");  // us-east-1: no LocationConstraint

  fake_->answer(404);
  fake_->answer(409, "<Error><Code>BucketAlreadyOwnedByYou</Code></Error>");
  EXPECT_TRUE(store_->ensure_bucket().ok());

  fake_->answer(403);
  EXPECT_EQ(store_->ensure_bucket().error().code, Code::Unauthenticated);
  fake_->fail(Code::Unavailable);
  EXPECT_EQ(store_->ensure_bucket().error().code, Code::Unavailable);
}

TEST(S3StoreRegion, EnsureBucketSendsTheRegionOutsideUsEast1) {
  auto location = parse_s3_location("s3://media?region=eu-west-3");
  ASSERT_TRUE(location.ok());
  auto transport = std::make_unique<ScriptedTransport>();
  ScriptedTransport* fake = transport.get();
  S3Store store(*location, S3Credentials{"AKIDEXAMPLE", Secret("s")}, {}, std::move(transport));
  fake->answer(404);
  fake->answer(200);
  ASSERT_TRUE(store.ensure_bucket().ok());
  EXPECT_EQ(fake->seen_[1].url, "https://s3.eu-west-3.amazonaws.com/media");
  EXPECT_NE(fake->seen_[1].body.find("<LocationConstraint>eu-west-3</LocationConstraint>"),
            std::string::npos);
  EXPECT_NE(fake->seen_[1].header("authorization").find("/eu-west-3/s3/aws4_request"),
            std::string::npos);
}

}  // namespace
}  // namespace antcdn::storage::s3

namespace antcdn::storage::s3 {
namespace {

// put_file and get_range over the scripted transport: parts of 4 bytes, so a
// 10-byte file is a multipart upload of 4 + 4 + 2.
class S3MultipartTest : public ::testing::Test {
 protected:
  S3MultipartTest() {
    S3StoreOptions options;
    options.part_bytes = 4;
    options.attempts = 3;
    options.retry_backoff = std::chrono::milliseconds(0);
    store_ = scripted_store(options, fake_);
    file_ = dir_.path() / "download.mp4";
    std::ofstream(file_, std::ios::binary) << "0123456789";
  }
  std::vector<std::string> requests() const {
    std::vector<std::string> out;
    for (const auto& s : fake_->seen_) {
      out.push_back(s.method + " " + s.url.substr(kBase.size()));
    }
    return out;
  }
  void answer_created() {
    fake_->answer(200,
                  "<InitiateMultipartUploadResult><UploadId>up-1</UploadId>"
                  "</InitiateMultipartUploadResult>");
  }
  void answer_part(int n) { fake_->answer(200, "", {{"etag", "\"e" + std::to_string(n) + "\""}}); }

  static constexpr std::string_view kBase = "http://127.0.0.1:9000/media/live/rec/download.mp4";
  test::TempDir dir_;
  std::filesystem::path file_;
  ScriptedTransport* fake_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3MultipartTest, AFileUpToOnePartIsOnePut) {
  std::ofstream(file_, std::ios::binary | std::ios::trunc) << "0123";
  fake_->answer(200);
  ASSERT_TRUE(
      store_->put_file("rec/download.mp4", file_, PutOptions{"video/mp4", "immutable"}).ok());
  EXPECT_EQ(requests(), std::vector<std::string>{"PUT "});
  EXPECT_EQ(fake_->seen_[0].body, "0123");
  EXPECT_EQ(fake_->seen_[0].header("content-type"), "video/mp4");
}

TEST_F(S3MultipartTest, ALargerFileGoesUpInPartsThenCompletes) {
  answer_created();
  answer_part(1);
  answer_part(2);
  answer_part(3);
  fake_->answer(200, "<CompleteMultipartUploadResult></CompleteMultipartUploadResult>");
  Status s = store_->put_file("rec/download.mp4", file_, PutOptions{"video/mp4", "immutable"});
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(requests(), (std::vector<std::string>{
                            "POST ?uploads=",
                            "PUT ?partNumber=1&uploadId=up-1",
                            "PUT ?partNumber=2&uploadId=up-1",
                            "PUT ?partNumber=3&uploadId=up-1",
                            "POST ?uploadId=up-1",
                        }));
  // The object's headers go with the creation; each part is its slice of the file.
  EXPECT_EQ(fake_->seen_[0].header("content-type"), "video/mp4");
  EXPECT_EQ(fake_->seen_[0].header("cache-control"), "immutable");
  EXPECT_EQ(fake_->seen_[1].body, "0123");
  EXPECT_EQ(fake_->seen_[2].body, "4567");
  EXPECT_EQ(fake_->seen_[3].body, "89");
  EXPECT_NE(fake_->seen_[4].body.find("<Part><PartNumber>3</PartNumber><ETag>\"e3\"</ETag></Part>"
                                      "</CompleteMultipartUpload>"),
            std::string::npos)
      << fake_->seen_[4].body;
}

TEST_F(S3MultipartTest, APartThatFailsBrieflyIsSentAgain) {
  answer_created();
  answer_part(1);
  fake_->answer(503, "<Error><Code>SlowDown</Code></Error>");
  fake_->fail(Code::Unavailable);
  answer_part(2);
  answer_part(3);
  fake_->answer(200, "<Error><Code>InternalError</Code></Error>");  // a 200 that failed
  fake_->answer(200, "<CompleteMultipartUploadResult/>");
  Status s = store_->put_file("rec/download.mp4", file_, {});
  ASSERT_TRUE(s.ok()) << s.error().describe();
  auto r = requests();
  EXPECT_EQ(std::count(r.begin(), r.end(), "PUT ?partNumber=2&uploadId=up-1"), 3);
  EXPECT_EQ(std::count(r.begin(), r.end(), "POST ?uploadId=up-1"), 2);
  EXPECT_EQ(fake_->seen_[4].body, "4567");
}

TEST_F(S3MultipartTest, AnUploadThatFailsForGoodIsAborted) {
  answer_created();
  answer_part(1);
  for (int i = 0; i < 3; ++i) {
    fake_->answer(500);  // every attempt of part 2
  }
  fake_->answer(204);  // the abort
  Status s = store_->put_file("rec/download.mp4", file_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unavailable);
  EXPECT_NE(s.error().describe().find("part 2 of 3"), std::string::npos) << s.error().describe();
  EXPECT_EQ(requests().back(), "DELETE ?uploadId=up-1");

  // A refused part (not worth retrying) is aborted at once.
  fake_->seen_.clear();
  answer_created();
  fake_->answer(403, "<Error><Code>AccessDenied</Code></Error>");
  fake_->answer(204);
  EXPECT_EQ(store_->put_file("rec/download.mp4", file_, {}).error().code, Code::Unauthenticated);
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"POST ?uploads=", "PUT ?partNumber=1&uploadId=up-1",
                                      "DELETE ?uploadId=up-1"}));
}

TEST_F(S3MultipartTest, GetRangeAsksJustTheRange) {
  fake_->answer(206, "2345", {{"content-range", "bytes 2-5/10"}});
  auto r = store_->get_range("rec/download.mp4", 2, 4);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(as_chars(r->data), "2345");
  EXPECT_EQ(r->total_size, 10u);
  EXPECT_EQ(fake_->seen_[0].header("range"), "bytes=2-5");
  EXPECT_NE(fake_->seen_[0].header("authorization").find("range"), std::string::npos)
      << "the Range header is signed";

  fake_->answer(200, "", {{"content-length", "10"}});
  auto size = store_->get_range("rec/download.mp4", 0, 0);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->total_size, 10u);
  EXPECT_EQ(fake_->seen_.back().method, "HEAD");

  fake_->answer(416, "<Error><Code>InvalidRange</Code></Error>", {{"content-range", "bytes */10"}});
  auto past = store_->get_range("rec/download.mp4", 10, 4);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->data.empty());
  EXPECT_EQ(past->total_size, 10u);

  // Swift says no size with its 416: the store asks it with a HEAD.
  fake_->answer(416, "<Error><Code>InvalidRange</Code></Error>");
  fake_->answer(200, "", {{"content-length", "10"}});
  auto past_swift = store_->get_range("rec/download.mp4", 12, 4);
  ASSERT_TRUE(past_swift.ok()) << past_swift.error().describe();
  EXPECT_EQ(past_swift->total_size, 10u);
  EXPECT_EQ(fake_->seen_.back().method, "HEAD");

  fake_->answer(200, "0123456789");  // a server that ignores Range
  EXPECT_EQ(as_chars(store_->get_range("rec/download.mp4", 8, 4)->data), "89");
  fake_->answer(404, "<Error><Code>NoSuchKey</Code></Error>");
  EXPECT_EQ(store_->get_range("rec/download.mp4", 0, 4).error().code, Code::NotFound);
  fake_->answer(206, "0123", {{"content-range", "bytes 0-3/10"}});
  EXPECT_EQ(store_->get_range("rec/download.mp4", 4, 4).error().code, Code::Internal)
      << "another range than the one asked";
}

}  // namespace
}  // namespace antcdn::storage::s3
