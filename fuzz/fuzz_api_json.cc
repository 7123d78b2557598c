// Fuzzes the API's JSON request bodies (create and update of a live stream).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/dto.h"

using namespace antcdn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto create = api::parse_create_request(body);
  if (create.ok() &&
      (create->name.size() > 4 * api::kMaxNameLength || create->reconnect_window_s < 0 ||
       create->reconnect_window_s > api::kMaxReconnectWindowSeconds)) {
    std::abort();  // accepted something the API promises to refuse
  }
  (void)api::parse_patch_request(body);
  return 0;
}
