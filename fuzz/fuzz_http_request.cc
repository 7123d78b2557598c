// Fuzzes the HTTP request path as the listeners see it: Beast's request parser
// with the servers' header and body limits, then what our handlers do first
// with a request (query decoding, the edge's URL parser, header lookups).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "edge/edge_path.h"
#include "net/http_message.h"

namespace http = boost::beast::http;
using namespace antcdn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) {
    return 0;
  }
  const auto& r = parser.get();
  net::HttpRequest req;
  req.method = std::string(r.method_string());
  req.target = std::string(r.target());
  for (const auto& field : r) {
    std::string name(field.name_string());
    for (char& c : name) {
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  if (parser.is_done()) {
    req.body = r.body();
  }
  (void)net::parse_query(req.query());
  (void)edge::parse_edge_path(req.path());
  (void)req.header("content-type");
  (void)req.header("x-api-key");
  return 0;
}
