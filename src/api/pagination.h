#pragma once

// ?limit=&cursor= of the paginated lists (streams, recordings): a cursor is
// the seq of the last row of the previous page.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Lists ask the store for limit + 1 rows: the extra one tells whether another
// page exists. Cuts it; returns the next page's cursor (the last row's seq).
template <typename Row>
std::optional<std::string> cut_page(std::vector<Row>& rows, int limit) {
  if (static_cast<int>(rows.size()) <= limit) {
    return std::nullopt;
  }
  rows.resize(static_cast<size_t>(limit));
  return std::to_string(rows.back().seq);
}

}  // namespace antcdn::api
