#pragma once

// The first step both stores take in a read-modify-write (update, remove):
// the row they looked up under lock, or NotFound when there is none.

#include <optional>
#include <string>

#include "common/result.h"
#include "store/repositories.h"

namespace antcdn::store {

Result<StreamRecord> found_stream(const std::string& stream_id,
                                  Result<std::optional<StreamRecord>> lookup);

}  // namespace antcdn::store
