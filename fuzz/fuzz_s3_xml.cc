// Fuzzes the readers of S3's answers (ListObjectsV2 pages, <Error> bodies, the
// multipart upload's answers, a ranged GET's Content-Range): they see whatever
// an endpoint, or something pretending to be one, sends back.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "format/s3/multipart.h"
#include "format/s3/responses.h"

using namespace antcdn::format::s3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto page = parse_list_objects_v2(xml);
  if (page.ok() && page->is_truncated && page->next_continuation_token.empty()) {
    std::abort();  // documented: a truncated page always names where to go on
  }
  (void)parse_error_body(xml);
  (void)parse_upload_id(xml);
  (void)check_complete_result(xml);
  if (auto range = parse_content_range(xml); range && range->first) {
    if (!range->last || *range->last < *range->first || *range->last >= range->total) {
      std::abort();  // documented: a range is within the object
    }
  }
  return 0;
}
