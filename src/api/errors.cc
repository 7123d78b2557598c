#include "api/errors.h"

#include <boost/json.hpp>

namespace antcdn::api {
namespace {

struct Mapping {
  int status;
  std::string_view code;
};

Mapping map(Code code) {
  switch (code) {
    case Code::InvalidArgument:
      return {400, "invalid_request"};
    case Code::NotFound:
      return {404, "not_found"};
    case Code::Conflict:
      return {409, "conflict"};
    case Code::Unauthenticated:
      return {401, "unauthorized"};
    case Code::ResourceExhausted:
      return {429, "too_many_requests"};
    case Code::Unsupported:
      return {415, "unsupported_media_type"};
    case Code::Unavailable:
      return {503, "unavailable"};
    case Code::Internal:
      return {500, "internal"};
  }
  return {500, "internal"};
}

}  // namespace

net::HttpResponse json_response(int status, std::string body) {
  net::HttpResponse res;
  res.status = status;
  res.set("Content-Type", "application/json");
  res.set("Cache-Control", "no-store");
  res.body = std::move(body);
  return res;
}

net::HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  boost::json::object error{{"code", code}, {"message", message}};
  auto res = json_response(status, boost::json::serialize(boost::json::object{{"error", error}}));
  if (status == 401) {
    res.set("WWW-Authenticate", "ApiKey header=\"X-Api-Key\"");
  }
  // Every 503 is worth retrying soon: a handler timeout and a store that is
  // down alike (before, only the timeout said so).
  if (status == 503) {
    res.set("Retry-After", "1");
  }
  return res;
}

net::HttpResponse error_response(const Error& error) {
  Mapping m = map(error.code);
  // Internal details (SQL messages, paths) stay in the log, not in the reply.
  if (m.status >= 500) {
    return error_response(m.status, m.code, "the server could not complete the request");
  }
  return error_response(m.status, m.code, error.message);
}

}  // namespace antcdn::api
