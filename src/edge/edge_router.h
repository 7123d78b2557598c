#pragma once

// Entry point of the edge listener (viewers). Media routes arrive with packaging.

#include "net/http_message.h"

namespace antcdn::edge {

class EdgeRouter {
 public:
  net::HttpResponse handle(const net::HttpRequest& req);
};

net::HttpResponse text_error(int status, std::string_view code, std::string_view message);

}  // namespace antcdn::edge
