#include "api/json_body.h"

#include <boost/json.hpp>

namespace antcdn::api {

Error invalid_request(std::string message) {
  return make_error(Code::InvalidArgument, std::move(message));
}

Result<boost::json::object> parse_json_object(std::string_view body) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) {
    return invalid_request("request body is not valid JSON: " + ec.message());
  }
  if (!v.is_object()) {
    return invalid_request("request body must be a JSON object");
  }
  return std::move(v.as_object());
}

}  // namespace antcdn::api
