#include "store/found_stream.h"

namespace antcdn::store {

Result<StreamRecord> found_stream(Result<std::optional<StreamRecord>> lookup) {
  if (!lookup.ok()) {
    return lookup.error();
  }
  if (!*lookup) {
    // Worded like the API's answer for another key's stream, so that a caller
    // cannot tell "never existed" from "not yours".
    return make_error(Code::NotFound, "live stream not found");
  }
  return std::move(**lookup);
}

}  // namespace antcdn::store
