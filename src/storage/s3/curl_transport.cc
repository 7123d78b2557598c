#include "storage/s3/curl_transport.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string>

#include <curl/curl.h>

namespace antcdn::storage::s3 {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// What the callbacks read from and write into during one exchange.
struct Exchange {
  ByteSpan upload;
  size_t uploaded = 0;
  HttpResponse response;
  size_t max_body = 0;
  bool body_too_large = false;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = std::min(size * count, ex->upload.size() - ex->uploaded);
  std::memcpy(buffer, ex->upload.data() + ex->uploaded, n);
  ex->uploaded += n;
  return n;
}

// curl rewinds the upload when it resends a request, e.g. after a keep-alive
// connection the server had already closed; without this it would fail instead.
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > ex->upload.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  ex->uploaded = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * count;
  if (ex->response.body.size() + n > ex->max_body) {
    ex->body_too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  auto* bytes = reinterpret_cast<const std::byte*>(data);
  ex->response.body.insert(ex->response.body.end(), bytes, bytes + n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Called once per header line, status line included.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response begins (after a 100 Continue, say): forget the last one's headers.
    ex->response.headers.clear();
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    ex->response.headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  }
  return line.size();
}

// Sets every option an exchange needs; the handle was reset before, so nothing
// from the previous exchange leaks in (its connection cache survives reset).
CURLcode configure(CURL* c, const HttpRequest& request, curl_slist* headers, Exchange& ex,
                   const CurlTransportOptions& options, char* error_buffer) {
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) {
      rc = curl_easy_setopt(c, option, value);
    }
  };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in a multi-threaded process
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  // The path was signed byte for byte; curl must not squash "/./" or "/../".
  set(CURLOPT_PATH_AS_IS, 1L);
  set(CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would need a new signature
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_USERAGENT, "antcdn");
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, &ex);
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, &ex);
  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    // UPLOAD with a known size: curl sends Content-Length (no chunking) and
    // streams from the caller's buffer without a copy.
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    set(CURLOPT_READFUNCTION, on_read);
    set(CURLOPT_READDATA, &ex);
    set(CURLOPT_SEEKFUNCTION, on_seek);
    set(CURLOPT_SEEKDATA, &ex);
    set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  return rc;
}

}  // namespace

struct CurlTransport::Handle {
  EasyPtr easy;
};

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(options) {
  // Reference-counted and thread-safe since curl 7.84; paired in the destructor.
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

CurlTransport::~CurlTransport() {
  idle_.clear();  // every easy handle goes before the library's global state
  curl_global_cleanup();
}

std::unique_ptr<CurlTransport::Handle> CurlTransport::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  auto h = std::make_unique<Handle>();
  h->easy.reset(curl_easy_init());
  return h;
}

void CurlTransport::release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < options_.max_idle_handles) {
    idle_.push_back(std::move(handle));
  }
}

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  std::unique_ptr<Handle> handle = acquire();
  if (!handle->easy) {
    return make_error(Code::Internal, "curl_easy_init failed");
  }
  CURL* c = handle->easy.get();
  curl_easy_reset(c);

  SlistPtr headers;
  auto add_header = [&](const std::string& line) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown != nullptr) {
      (void)headers.release();  // now owned through `grown`
      headers.reset(grown);
    }
    return grown != nullptr;
  };
  // "Expect:" turns off curl's 100-continue wait on larger PUTs: one round trip
  // fewer per segment, and a rejected upload costs only its own bytes.
  bool ok = add_header("Expect:");
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line.append(": ").append(value);
    ok = ok && add_header(line);
  }
  if (!ok) {
    return make_error(Code::Internal, "curl_slist_append failed");
  }

  Exchange ex;
  ex.upload = request.body;
  ex.max_body = options_.max_response_bytes;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  if (CURLcode rc = configure(c, request, headers.get(), ex, options_, error_buffer.data());
      rc != CURLE_OK) {
    return make_error(Code::Internal,
                      std::string("curl_easy_setopt failed: ") + curl_easy_strerror(rc));
  }
  CURLcode rc = curl_easy_perform(c);
  // The handle must not keep pointers into this frame's buffers.
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  if (rc != CURLE_OK) {
    // A failed handle may hold a broken connection; drop it rather than pool it.
    if (ex.body_too_large) {
      return make_error(
          Code::ResourceExhausted,
          "response body over " + std::to_string(options_.max_response_bytes) + " bytes");
    }
    std::string detail = error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(rc);
    return make_error(Code::Unavailable, "HTTP " + request.method + " failed: " + detail);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  ex.response.status = static_cast<int>(status);
  release(std::move(handle));
  return std::move(ex.response);
}

}  // namespace antcdn::storage::s3
