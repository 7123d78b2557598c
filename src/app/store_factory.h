#pragma once

#include <memory>

#include "app/config.h"
#include "store/repositories.h"

namespace antcdn::app {

// Opens the database named by --database: sqlite://PATH (creating the parent
// directory) or postgres://… / postgresql://… (a server shared by several nodes).
// Either way the schema is migrated before this returns.
Result<std::unique_ptr<store::Store>> open_store(const Config& config);

}  // namespace antcdn::app
