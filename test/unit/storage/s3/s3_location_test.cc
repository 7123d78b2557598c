#include "storage/s3/s3_location.h"

#include <gtest/gtest.h>

namespace antcdn::storage::s3 {
namespace {

S3Location parse_ok(std::string_view url) {
  auto r = parse_s3_location(url);
  EXPECT_TRUE(r.ok()) << url << ": " << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : S3Location{};
}

std::string error_of(std::string_view url) {
  auto r = parse_s3_location(url);
  EXPECT_FALSE(r.ok()) << url;
  if (r.ok()) {
    return "";
  }
  EXPECT_EQ(r.error().code, Code::InvalidArgument) << url;
  return r.error().describe();
}

TEST(S3Location, AwsDefaults) {
  S3Location l = parse_ok("s3://media");
  EXPECT_EQ(l.bucket, "media");
  EXPECT_EQ(l.prefix, "");
  EXPECT_EQ(l.region, "us-east-1");
  EXPECT_EQ(l.endpoint.origin(), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(l.endpoint.host_header(), "s3.us-east-1.amazonaws.com");

  S3Location eu = parse_ok("s3://my.media-1/live?region=eu-west-3");
  EXPECT_EQ(eu.prefix, "live/");
  EXPECT_EQ(eu.endpoint.origin(), "https://s3.eu-west-3.amazonaws.com");
}

TEST(S3Location, PrefixIsNormalisedToEndInOneSlash) {
  EXPECT_EQ(parse_ok("s3://media/").prefix, "");
  EXPECT_EQ(parse_ok("s3://media/a/b").prefix, "a/b/");
  EXPECT_EQ(parse_ok("s3://media/a/b/").prefix, "a/b/");
}

TEST(S3Location, CompatibleEndpoints) {
  S3Location r2 =
      parse_ok("s3://media?endpoint=https://0123abcd.r2.cloudflarestorage.com&region=auto");
  EXPECT_EQ(r2.region, "auto");
  EXPECT_EQ(r2.endpoint.origin(), "https://0123abcd.r2.cloudflarestorage.com");

  S3Location minio = parse_ok("s3://media/x?endpoint=http%3A%2F%2F127.0.0.1%3A9000%2F");
  EXPECT_FALSE(minio.endpoint.tls);
  EXPECT_EQ(minio.endpoint.host, "127.0.0.1");
  EXPECT_EQ(minio.endpoint.port, 9000);
  EXPECT_EQ(minio.endpoint.origin(), "http://127.0.0.1:9000");
  EXPECT_EQ(minio.endpoint.host_header(), "127.0.0.1:9000");
  EXPECT_EQ(minio.region, "us-east-1");

  S3Location v6 = parse_ok("s3://media?endpoint=HTTP://[::1]:8080");
  EXPECT_EQ(v6.endpoint.host_header(), "[::1]:8080");
  EXPECT_EQ(parse_ok("s3://media?endpoint=https://s3.example.com:443").endpoint.origin(),
            "https://s3.example.com");
  EXPECT_EQ(parse_ok("s3://media?endpoint=http://minio").endpoint.port, 80);
}

TEST(S3Location, ErrorsNameWhatIsWrong) {
  EXPECT_NE(error_of("file:///var/media").find("s3://"), std::string::npos);
  EXPECT_NE(error_of("s3://").find("bucket name"), std::string::npos);
  EXPECT_NE(error_of("s3://ab").find("bucket name \"ab\""), std::string::npos);
  EXPECT_NE(error_of("s3://Media").find("bucket name"), std::string::npos);
  EXPECT_NE(error_of("s3://-media").find("bucket name"), std::string::npos);
  EXPECT_NE(error_of("s3://media/../etc").find("prefix"), std::string::npos);
  EXPECT_NE(error_of("s3://media/a//b").find("prefix"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpiont=http://x").find("unknown parameter \"endpiont\""),
            std::string::npos);
  EXPECT_NE(error_of("s3://media?region=a&region=b").find("twice"), std::string::npos);
  EXPECT_NE(error_of("s3://media?region=").find("needs a value"), std::string::npos);
  EXPECT_NE(error_of("s3://media?region=US_EAST").find("region"), std::string::npos);
  EXPECT_NE(error_of("s3://media?region=auto").find("endpoint="), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=ftp://x").find("http://"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=http://x/bucket").find("no path"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=http://x:0").find("port"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=http://x:99999").find("port"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=http://x:").find("port"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=http://a_b").find("host"), std::string::npos);
  EXPECT_NE(error_of("s3://media?endpoint=%zz").find("%-escape"), std::string::npos);
}

TEST(S3Location, NeverEchoesCredentialsPastedIntoTheUrl) {
  std::string e = error_of("s3://AKIAEXAMPLE:hunter2@media");
  EXPECT_EQ(e.find("hunter2"), std::string::npos);
  EXPECT_NE(e.find("ANTCDN_S3_SECRET_ACCESS_KEY"), std::string::npos);
}

}  // namespace
}  // namespace antcdn::storage::s3
