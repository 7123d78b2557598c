#pragma once

// Plain HTTP request/response values, so that handlers (api/, edge/) are written
// and tested without Beast or sockets.

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "net/body_source.h"
#include "net/response_stream.h"

namespace antcdn::net {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // path plus query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string remote_address;

  std::optional<std::string_view> header(std::string_view lowercase_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lowercase_name) {
        return std::string_view(v);
      }
    }
    return std::nullopt;
  }
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
  std::string_view query() const {
    std::string_view t = target;
    auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A body shared with its owner (e.g. a cached segment), sent without a copy;
  // used instead of `body` when set.
  std::shared_ptr<const Bytes> shared_body;
  // The part of shared_body sent (a Range answer); the whole when unset.
  size_t shared_offset = 0;
  std::optional<size_t> shared_length;
  // For HEAD: headers (including Content-Length of the full body) but no body.
  bool omit_body = false;
  // A body written while it is sent (server-sent events), instead of `body`:
  // the headers go at once, then what the stream's producers write, chunked,
  // until it closes; the connection ends with it.
  std::shared_ptr<ResponseStream> stream;
  // A body of known length read while it is sent, piece by piece with
  // backpressure (a large file), instead of `body`; keep-alive is kept.
  std::shared_ptr<BodySource> source;

  size_t body_size() const {
    if (source) {
      return source->length();
    }
    return shared_body ? shared_length.value_or(shared_body->size() - shared_offset) : body.size();
  }
  // The bytes shared_body sends (shared_offset, body_size()).
  ByteSpan shared_span() const {
    return ByteSpan(*shared_body).subspan(shared_offset, body_size());
  }
  std::string body_text() const {
    return shared_body ? std::string(as_chars(shared_span())) : body;
  }

  HttpResponse& set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Decoded name/value pairs of a query string, in order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits "a=1&b=two+words&c=%C3%A9" (Boost.URL) into decoded pairs; a name without
// '=' has an empty value. InvalidArgument for what RFC 3986 does not allow in a
// query (a bad %-escape, a raw space).
Result<QueryParams> parse_query(std::string_view query);

}  // namespace antcdn::net
