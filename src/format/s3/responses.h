#pragma once

// Reads the two S3 answers the object store needs: a ListObjectsV2 page and
// the <Error> body that comes with a 4xx/5xx.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace antcdn::format::s3 {

struct ListObjectsPage {
  std::vector<std::string> keys;  // full keys, in the order S3 sent them
  bool is_truncated = false;
  std::string next_continuation_token;  // set when is_truncated
};

// A ListBucketResult document (GET /bucket?list-type=2). InvalidArgument when
// it is malformed, is some other document, or says it is truncated without a
// continuation token (following it would loop forever).
Result<ListObjectsPage> parse_list_objects_v2(std::string_view xml);

struct ErrorBody {
  std::string code;  // "NoSuchKey", "SignatureDoesNotMatch", ...
  std::string message;
};

// Best effort: empty fields when the body is not an S3 <Error> document (a
// proxy's HTML page, an empty HEAD answer).
ErrorBody parse_error_body(std::string_view xml);

}  // namespace antcdn::format::s3
