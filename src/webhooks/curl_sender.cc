#include "webhooks/curl_sender.h"

#include <array>
#include <cstring>
#include <memory>

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/blocking.h"
#include "net/url_policy.h"

namespace antcdn::webhooks {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What the callbacks of one call share.
struct Call {
  bool allow_private = false;
  const std::atomic<bool>* stopping = nullptr;
  bool refused_target = false;
};

// Called with each address curl is about to connect to (after DNS): the
// policy's second check, so a DNS answer cannot smuggle in a private target.
curl_socket_t open_socket(void* data, curlsocktype /*purpose*/, curl_sockaddr* address) {
  auto* call = static_cast<Call*>(data);
  if (!call->allow_private) {
    bool refused = true;
    if (address->family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
      std::array<uint8_t, 4> b{};
      std::memcpy(b.data(), &in->sin_addr, b.size());
      refused = net::is_private_address(b);
    } else if (address->family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
      std::array<uint8_t, 16> b{};
      std::memcpy(b.data(), &in6->sin6_addr, b.size());
      refused = net::is_private_address(b);
    }
    if (refused) {
      call->refused_target = true;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

int on_progress(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* call = static_cast<Call*>(data);
  return call->stopping->load() ? 1 : 0;
}

// The receiver's body is not used; read at most a little of it and drop it.
size_t discard_body(char* /*ptr*/, size_t size, size_t count, void* /*data*/) {
  return size * count;
}

}  // namespace

CurlSender::CurlSender(CurlSenderOptions options) : options_(options) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; paired below
}

CurlSender::~CurlSender() {
  curl_global_cleanup();
}

PostOutcome CurlSender::post(const OutboundPost& request) {
  assert_may_block("webhook POST");
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    return {.error = "curl_easy_init failed"};
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& line : [&] {
         std::vector<std::string> lines{"Content-Type: application/json", "Expect:"};
         for (const auto& [k, v] : request.headers) {
           lines.push_back(k + ": " + v);
         }
         return lines;
       }()) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown == nullptr) {
      return {.error = "curl_slist_append failed"};
    }
    (void)headers.release();
    headers.reset(grown);
  }
  Call call{.allow_private = options_.allow_private, .stopping = &stopping_};
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  CURL* c = easy.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "antcdn-webhooks");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &call);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &call);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return {.error = "shutting down", .aborted = true};
  }
  if (rc != CURLE_OK && call.refused_target) {
    return {.error = "refused: the URL resolves to a loopback, link-local or private address"};
  }
  if (rc != CURLE_OK) {
    return {.error = error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(rc)};
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return {.status_code = static_cast<int>(status)};
}

}  // namespace antcdn::webhooks
