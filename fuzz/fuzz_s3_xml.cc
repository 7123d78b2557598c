// Fuzzes the readers of S3's XML answers (ListObjectsV2 pages, <Error> bodies):
// they see whatever an endpoint, or something pretending to be one, sends back.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "format/s3/responses.h"

using namespace antcdn::format::s3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto page = parse_list_objects_v2(xml);
  if (page.ok() && page->is_truncated && page->next_continuation_token.empty()) {
    std::abort();  // documented: a truncated page always names where to go on
  }
  (void)parse_error_body(xml);
  return 0;
}
