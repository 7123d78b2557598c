#include "api/pagination.h"

#include <string>

#include "api/json_body.h"
#include "common/parse_number.h"

namespace antcdn::api {

Result<PageQuery> parse_page_query(const net::HttpRequest& req) {
  auto query = net::parse_query(req.query());
  if (!query.ok()) {
    return query.error();
  }
  PageQuery page;
  for (const auto& [k, v] : *query) {
    if (k == "limit") {
      auto n = parse_number<int>(v);
      if (!n || *n < 1 || *n > kMaxPageSize) {
        return invalid_request("limit must be an integer from 1 to " +
                               std::to_string(kMaxPageSize));
      }
      page.limit = *n;
    } else if (k == "cursor") {
      auto n = parse_number<int64_t>(v);
      if (!n || *n < 1) {
        return invalid_request("cursor is not one this API returned");
      }
      page.before = *n;
    }
  }
  return page;
}

}  // namespace antcdn::api
