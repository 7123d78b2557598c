#pragma once

// SEAM inside the S3 store: one blocking HTTP exchange. CurlTransport is the
// real one; tests substitute a fake to reach answers a live server will not
// give on demand (503, 429, a listing that ignores its prefix).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace antcdn::storage::s3 {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, DELETE
  std::string url;     // already percent-encoded, exactly as signed
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given, Host included
  ByteSpan body;                                             // must outlive send()
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, values trimmed
  Bytes body;

  // The first value of a header (name in lower case), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) {
        return &v;
      }
    }
    return nullptr;
  }
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Any HTTP status is a response, not an error. Errors are for exchanges that
  // did not complete: Unavailable (refused, reset, DNS, TLS, timed out) or
  // ResourceExhausted (the body was larger than allowed). Thread-safe.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace antcdn::storage::s3
