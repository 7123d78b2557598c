#include "format/s3/sigv4.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace antcdn::format::s3 {
namespace {

// Every expected value below is published by AWS, none computed here:
// - S3 API Reference, "Signature Calculations for the Authorization Header:
//   Transferring Payload in a Single Chunk (AWS Signature Version 4)", section
//   "Examples: Signature Calculations" (GET Object, PUT Object, GET Bucket
//   Lifecycle, Get Bucket (List Objects)): key AKIAIOSFODNN7EXAMPLE, 20130524,
//   us-east-1, bucket examplebucket, virtual-hosted style.
// - The AWS SigV4 test suite (as shipped in awslabs/aws-c-auth,
//   tests/aws-signing-test-suite/v4): get-vanilla and
//   get-vanilla-query-order-key-case, key AKIDEXAMPLE, 20150830T123600Z,
//   service "service".

constexpr const char* kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigV4Credentials s3_example_credentials() {
  return {"AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")};
}
const SigV4Scope kS3Scope{"us-east-1", "s3"};
const auto kS3Time = std::chrono::system_clock::from_time_t(1369353600);  // 20130524T000000Z

SigV4Signature sign_ok(const SigV4Request& request, const SigV4Credentials& credentials,
                       const SigV4Scope& scope, std::chrono::system_clock::time_point t) {
  auto r = sign_v4(request, credentials, scope, t);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : SigV4Signature{};
}

std::string sha256_hex(std::string_view s) {
  return crypto::hex(crypto::sha256(s));
}

TEST(S3SigV4, AwsExampleGetObjectWithRange) {
  SigV4Request request{"GET",
                       "/test.txt",
                       {},
                       {{"Host", "examplebucket.s3.amazonaws.com"},
                        {"Range", "bytes=0-9"},
                        {"x-amz-content-sha256", kEmptyHash}},
                       kEmptyHash};
  SigV4Signature s = sign_ok(request, s3_example_credentials(), kS3Scope, kS3Time);
  EXPECT_EQ(
      s.canonical_request,
      "GET\n"
      "/test.txt\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(s.amz_date, "20130524T000000Z");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SigV4, AwsExamplePutObjectEncodesTheKey) {
  const std::string body_hash = sha256_hex("Welcome to Amazon S3.");
  ASSERT_EQ(body_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  // The key is "test$file.text": '$' is reserved, so the canonical URI has %24.
  SigV4Request request{"PUT",
                       "/test$file.text",
                       {},
                       {{"Host", "examplebucket.s3.amazonaws.com"},
                        {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                        {"x-amz-content-sha256", body_hash}},
                       body_hash};
  SigV4Signature s = sign_ok(request, s3_example_credentials(), kS3Scope, kS3Time);
  EXPECT_EQ(
      s.canonical_request,
      "PUT\n"
      "/test%24file.text\n"
      "\n"
      "date:Fri, 24 May 2013 00:00:00 GMT\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
      "x-amz-date:20130524T000000Z\n"
      "x-amz-storage-class:REDUCED_REDUNDANCY\n"
      "\n"
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

SigV4Request s3_bucket_get(QueryParams query) {
  return {"GET",
          "/",
          std::move(query),
          {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-content-sha256", kEmptyHash}},
          kEmptyHash};
}

TEST(S3SigV4, AwsExampleGetBucketLifecycleSignsAValuelessParameter) {
  SigV4Signature s =
      sign_ok(s3_bucket_get({{"lifecycle", ""}}), s3_example_credentials(), kS3Scope, kS3Time);
  EXPECT_EQ(
      s.canonical_request,
      "GET\n"
      "/\n"
      "lifecycle=\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(s.canonical_request),
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SigV4, AwsExampleListObjectsSortsTheQuery) {
  // Given in the opposite order: the signer must sort.
  SigV4Signature s = sign_ok(s3_bucket_get({{"prefix", "J"}, {"max-keys", "2"}}),
                             s3_example_credentials(), kS3Scope, kS3Time);
  EXPECT_NE(s.canonical_request.find("GET\n/\nmax-keys=2&prefix=J\n"), std::string::npos)
      << s.canonical_request;
  EXPECT_EQ(sha256_hex(s.canonical_request),
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

SigV4Credentials suite_credentials() {
  return {"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")};
}
const SigV4Scope kSuiteScope{"us-east-1", "service"};
const auto kSuiteTime = std::chrono::system_clock::from_time_t(1440938160);  // 20150830T123600Z

TEST(S3SigV4, SuiteGetVanilla) {
  SigV4Request request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, kEmptyHash};
  SigV4Signature s = sign_ok(request, suite_credentials(), kSuiteScope, kSuiteTime);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(S3SigV4, SuiteGetVanillaQueryOrderKeyCase) {
  SigV4Request request{"GET",
                       "/",
                       {{"Param2", "value2"}, {"Param1", "value1"}},
                       {{"Host", "example.amazonaws.com"}},
                       kEmptyHash};
  SigV4Signature s = sign_ok(request, suite_credentials(), kSuiteScope, kSuiteTime);
  EXPECT_NE(s.canonical_request.find("GET\n/\nParam1=value1&Param2=value2\n"), std::string::npos)
      << s.canonical_request;
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(S3SigV4, UriEncodeFollowsTheAwsRules) {
  EXPECT_EQ(uri_encode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(uri_encode("a b+c*d", false), "a%20b%2Bc%2Ad");
  EXPECT_EQ(uri_encode("live/a/", false), "live%2Fa%2F");
  EXPECT_EQ(uri_encode("/bucket/live/a b.m4s", true), "/bucket/live/a%20b.m4s");
  EXPECT_EQ(uri_encode("\xc3\xa9=&%", false), "%C3%A9%3D%26%25");  // uppercase hex, UTF-8 bytes
  // No normalisation for S3: "//" and "." segments are signed as given.
  EXPECT_EQ(uri_encode("/a//./b", true), "/a//./b");
}

TEST(S3SigV4, CanonicalQuerySortsEncodedPairsAndEncodesSlashes) {
  EXPECT_EQ(canonical_query({}), "");
  EXPECT_EQ(
      canonical_query({{"prefix", "live/a/"}, {"list-type", "2"}, {"continuation-token", "x=y"}}),
      "continuation-token=x%3Dy&list-type=2&prefix=live%2Fa%2F");
  // Repeated names sort by value; upper case sorts before lower case (byte order).
  EXPECT_EQ(canonical_query({{"a", "2"}, {"a", "1"}, {"B", ""}}), "B=&a=1&a=2");
}

TEST(S3SigV4, HeadersAreTrimmedCollapsedAndJoined) {
  SigV4Request request{"GET",
                       "/",
                       {},
                       {{"HOST", " example.com "},
                        {"My-Header", "  a   b  "},
                        {"my-header", "c"},
                        {"x-amz-content-sha256", kEmptyHash}},
                       kEmptyHash};
  SigV4Signature s = sign_ok(request, suite_credentials(), kSuiteScope, kSuiteTime);
  EXPECT_NE(s.canonical_request.find("host:example.com\nmy-header:a b,c\n"), std::string::npos)
      << s.canonical_request;
  EXPECT_EQ(s.signed_headers, "host;my-header;x-amz-content-sha256;x-amz-date");
}

TEST(S3SigV4, RefusesRequestsItCannotSignFaithfully) {
  auto base = [] { return SigV4Request{"GET", "/k", {}, {{"host", "h"}}, kEmptyHash}; };
  auto fails = [&](SigV4Request r, SigV4Credentials c = suite_credentials(),
                   SigV4Scope scope = kSuiteScope) {
    auto result = sign_v4(r, c, scope, kSuiteTime);
    return !result.ok() && result.error().code == Code::InvalidArgument;
  };
  EXPECT_FALSE(fails(base()));
  SigV4Request r = base();
  r.path = "k";
  EXPECT_TRUE(fails(r));
  r = base();
  r.headers = {};
  EXPECT_TRUE(fails(r)) << "no host";
  r = base();
  r.headers.emplace_back("x-evil", "a\r\nAuthorization: x");
  EXPECT_TRUE(fails(r)) << "CR/LF in a value";
  r = base();
  r.headers.emplace_back("bad name", "v");
  EXPECT_TRUE(fails(r));
  r = base();
  r.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  EXPECT_TRUE(fails(r)) << "x-amz-date belongs to the signer";
  r = base();
  r.payload_hash.clear();
  EXPECT_TRUE(fails(r));
  EXPECT_TRUE(fails(base(), {"", Secret("s")}));
  EXPECT_TRUE(fails(base(), suite_credentials(), {"us/east", "s3"}));
  EXPECT_TRUE(fails(base(), suite_credentials(), {"us-east-1", ""}));
}

TEST(S3SigV4, ErrorsNeverQuoteHeaderValues) {
  SigV4Request r{"GET", "/", {}, {{"host", "h"}, {"x-token", "hunter2\n"}}, kEmptyHash};
  auto result = sign_v4(r, suite_credentials(), kSuiteScope, kSuiteTime);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().describe().find("hunter2"), std::string::npos);
}

TEST(S3SigV4, AmzDateIsUtcWholeSeconds) {
  EXPECT_EQ(amz_date(kSuiteTime + std::chrono::milliseconds(999)), "20150830T123600Z");
  EXPECT_EQ(amz_date(std::chrono::system_clock::from_time_t(0)), "19700101T000000Z");
}

}  // namespace
}  // namespace antcdn::format::s3
