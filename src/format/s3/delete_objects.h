#pragma once

// S3 DeleteObjects (POST /bucket?delete): the request body for up to 1,000
// keys, in quiet mode (the answer lists only the keys that failed), and the
// reading of that answer.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace antcdn::format::s3 {

inline constexpr size_t kMaxDeleteKeys = 1000;

// <Delete><Quiet>true</Quiet><Object><Key>…</Key></Object>…</Delete>, keys escaped.
std::string delete_objects_body(const std::vector<std::string>& full_keys);

struct DeleteFailure {
  std::string key;
  std::string code;  // "AccessDenied", ...
  std::string message;
};

// The <Error> entries of a DeleteResult document (none: every key is gone).
// InvalidArgument when it is malformed or not a DeleteResult.
Result<std::vector<DeleteFailure>> parse_delete_result(std::string_view xml);

}  // namespace antcdn::format::s3
