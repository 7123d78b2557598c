#include "store/found_stream.h"

namespace antcdn::store {

Result<StreamRecord> found_stream(const std::string& stream_id,
                                  Result<std::optional<StreamRecord>> lookup) {
  if (!lookup.ok()) {
    return lookup.error();
  }
  if (!*lookup) {
    return make_error(Code::NotFound, "no stream " + stream_id);
  }
  return std::move(**lookup);
}

}  // namespace antcdn::store
