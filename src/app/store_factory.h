#pragma once

#include <memory>

#include "app/config.h"
#include "store/sqlite/sqlite_store.h"

namespace antcdn::app {

// Opens the configured database (creating the data dir when it is the default).
Result<std::unique_ptr<store::sqlite::SqliteStore>> open_store(const Config& config);

}  // namespace antcdn::app
