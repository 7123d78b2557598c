#pragma once

// ?limit=&cursor= of the paginated lists (streams, recordings): a cursor is
// the seq of the last row of the previous page.

#include <cstdint>
#include <optional>

#include "common/result.h"
#include "net/http_message.h"

namespace antcdn::api {

inline constexpr int kDefaultPageSize = 25;
inline constexpr int kMaxPageSize = 100;

struct PageQuery {
  int limit = kDefaultPageSize;
  std::optional<int64_t> before;  // rows with a smaller seq
};

// InvalidArgument (400 invalid_request) for a bad limit or cursor.
Result<PageQuery> parse_page_query(const net::HttpRequest& req);

}  // namespace antcdn::api
