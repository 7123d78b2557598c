#pragma once

// AWS Signature Version 4 for the Authorization header, sans-I/O: builds the
// canonical request, the string to sign and the signature as AWS documents them
// ("Signature Calculations for the Authorization Header: Transferring Payload in
// a Single Chunk"), so any S3-compatible store that checks signatures (AWS, R2,
// MinIO, Swift s3api) accepts the request. libcurl's own CURLOPT_AWS_SIGV4 is
// not used: in curl 7.88 it neither sorts nor re-encodes the query string.
//
// The caller sends exactly the headers it asked to sign (with the same values,
// Host included) plus `x-amz-date` and `Authorization` from the result, to the
// URL built from the same path and canonical_query().

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/secret.h"

namespace antcdn::format::s3 {

// Names and values as they are, not yet percent-encoded.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigV4Request {
  std::string method;  // "GET", "PUT", ...
  // The decoded path, starting with '/', e.g. "/bucket/lse_x/720p/seg 1.m4s".
  // Each segment is URI-encoded here, once, with '/' kept (S3's rule: no
  // normalisation of "." or "//").
  std::string path;
  QueryParams query;  // any order; sorted and encoded here
  // Headers to sign, any case and order; must include Host. Values are trimmed
  // and inner runs of spaces collapsed; repeated names are joined with ','.
  // x-amz-date is added by the signer and must not be in this list.
  HeaderList headers;
  // Lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". For S3 the same
  // value must also be sent (and so signed) as x-amz-content-sha256.
  std::string payload_hash;
};

struct SigV4Credentials {
  std::string access_key_id;  // Swift s3api keys look like "account:user"
  Secret secret;
};

struct SigV4Scope {
  std::string region;   // "us-east-1"; Cloudflare R2 wants "auto"
  std::string service;  // "s3"
};

struct SigV4Signature {
  std::string authorization;   // the Authorization header value
  std::string amz_date;        // the x-amz-date header value, e.g. "20130524T000000Z"
  std::string signed_headers;  // e.g. "host;range;x-amz-content-sha256;x-amz-date"
  std::string signature;       // lowercase hex
  // Intermediate steps, for tests and for debugging a SignatureDoesNotMatch.
  // Neither contains the secret.
  std::string canonical_request;
  std::string string_to_sign;
};

// InvalidArgument for a request that cannot be signed faithfully: a path not
// starting with '/', no Host header, a header name that is not an HTTP token,
// a value with a control character (CR/LF would smuggle a header), an
// x-amz-date or Authorization header in the list, or an empty key id, region
// or service.
Result<SigV4Signature> sign_v4(const SigV4Request& request, const SigV4Credentials& credentials,
                               const SigV4Scope& scope, std::chrono::system_clock::time_point now);

// SigV4's UriEncode(): every byte except A-Z a-z 0-9 '-' '.' '_' '~' becomes
// %XX with uppercase hex (a space is %20, never '+'); '/' is kept only when
// `keep_slash` (object key paths), and encoded as %2F in query names/values.
std::string uri_encode(std::string_view text, bool keep_slash);

// The canonical query string, "max-keys=2&prefix=J": names and values encoded,
// sorted by name then value, a missing value as "name=". The request URL must
// carry the same string so that what is signed is what is sent.
std::string canonical_query(const QueryParams& query);

// "20130524T000000Z" (UTC, whole seconds).
std::string amz_date(std::chrono::system_clock::time_point t);

}  // namespace antcdn::format::s3
