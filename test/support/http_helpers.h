#pragma once

// Reading the answers that routers build (net::HttpResponse) in unit tests.

#include <string>
#include <string_view>

#include "net/http_message.h"

namespace antcdn::test {

// The value of header `name` as set (exact spelling), or "" if it is absent.
inline std::string header_of(const net::HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

}  // namespace antcdn::test
