#pragma once

// Where an S3Store keeps its objects, from the --storage URL:
//
//   s3://BUCKET[/PREFIX][?endpoint=URL][&region=REGION]
//
//   s3://media                                       AWS, us-east-1
//   s3://media/live?region=eu-west-3                 AWS, keys under "live/"
//   s3://media?endpoint=https://ACCOUNT.r2.cloudflarestorage.com&region=auto
//   s3://media?endpoint=http://127.0.0.1:9000        MinIO, Swift s3api
//
// Requests are path-style ({endpoint}/{bucket}/{prefix}{key}), which every
// S3-compatible server accepts and which needs no wildcard DNS or certificate.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace antcdn::storage::s3 {

struct S3Endpoint {
  bool tls = true;
  std::string host;  // lowercase DNS name, IPv4 address or "[IPv6]"
  uint16_t port = 443;

  // "https://s3.eu-west-3.amazonaws.com", "http://127.0.0.1:9000"
  std::string origin() const;
  // The Host header (and the signed host): the port only when not the default.
  std::string host_header() const;
};

struct S3Location {
  std::string bucket;
  std::string prefix;  // "" or a valid key followed by '/', e.g. "live/"
  S3Endpoint endpoint;
  std::string region = "us-east-1";  // Cloudflare R2 wants "auto"
};

// InvalidArgument naming the part that is wrong (bucket name, prefix, endpoint,
// region, an unknown or repeated parameter).
Result<S3Location> parse_s3_location(std::string_view url);

// "http[s]://host[:port]" with nothing after but an optional '/'.
Result<S3Endpoint> parse_s3_endpoint(std::string_view url);

}  // namespace antcdn::storage::s3
