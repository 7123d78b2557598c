#pragma once

#include <string>

#include "app/config.h"
#include "common/secret.h"
#include "store/repositories.h"

namespace antcdn::app {

// `antcdn keys create|list|revoke`; each returns the process exit code.
int keys_create(const Config& config, const std::string& name);
int keys_list(const Config& config);
int keys_revoke(const Config& config, const std::string& key_id);

// Creates an API key and returns it; the plain text exists only in the return value.
Result<Secret> create_api_key(store::ApiKeyRepository& keys, const std::string& name);

}  // namespace antcdn::app
