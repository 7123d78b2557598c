#pragma once

#include "app/config.h"

namespace antcdn::app {

// `antcdn serve`: builds every stage from its slice of the config, runs until
// SIGINT/SIGTERM, and returns the process exit code.
int serve(const Config& config);

}  // namespace antcdn::app
