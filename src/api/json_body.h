#pragma once

// Reading a JSON request body, shared by the DTOs: one message for a body
// that is not JSON, or not an object.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/result.h"

namespace antcdn::api {

// InvalidArgument (400 invalid_request) with `message`.
Error invalid_request(std::string message);

Result<boost::json::object> parse_json_object(std::string_view body);

}  // namespace antcdn::api
