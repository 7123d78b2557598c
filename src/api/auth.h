#pragma once

#include "common/result.h"
#include "net/http_message.h"
#include "store/repositories.h"

namespace antcdn::api {

// Resolves the X-Api-Key header to an active key, or Unauthenticated.
Result<store::ApiKeyRecord> authenticate(const net::HttpRequest& request,
                                         store::ApiKeyRepository& keys);

}  // namespace antcdn::api
