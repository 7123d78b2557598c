#pragma once

// The one place where errors become HTTP: status code plus the JSON body
// {"error": {"code": "...", "message": "..."}}.

#include <string_view>

#include "common/result.h"
#include "net/http_message.h"

namespace antcdn::api {

net::HttpResponse error_response(int status, std::string_view code, std::string_view message);
net::HttpResponse error_response(const Error& error);
net::HttpResponse json_response(int status, std::string body);

}  // namespace antcdn::api
