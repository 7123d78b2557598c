#pragma once

// HttpTransport over libcurl's easy interface. An easy handle serves one
// thread at a time, so each send() takes a handle from a small mutex-guarded
// pool and gives it back afterwards: concurrent callers (the write queue, edge
// threads) never share one, and sequential calls reuse its keep-alive
// connection instead of paying a TCP (and TLS) handshake per object.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/s3/http_transport.h"

namespace antcdn::storage::s3 {

struct CurlTransportOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{15000};  // the whole exchange
  size_t max_response_bytes = size_t{256} * 1024 * 1024;
  size_t max_idle_handles = 4;  // kept open between calls
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  struct Handle;  // an owned CURL*; curl's types stay out of this header
  std::unique_ptr<Handle> acquire();
  void release(std::unique_ptr<Handle> handle);

  const CurlTransportOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace antcdn::storage::s3
