#include "api/auth.h"

#include "common/ids.h"

namespace antcdn::api {

Result<store::ApiKeyRecord> authenticate(const net::HttpRequest& request,
                                         store::ApiKeyRepository& keys) {
  auto header = request.header("x-api-key");
  if (!header || header->empty()) {
    return make_error(Code::Unauthenticated, "missing X-Api-Key header");
  }
  // Credentials have 200 random bits: looking one up by its SHA-256 reveals
  // nothing useful through timing, and the final comparison is constant-time.
  auto hash = ids::credential_hash(Secret(std::string(*header)));
  auto found = keys.find_active_key(hash);
  if (!found.ok()) {
    return found.error();
  }
  if (!*found || !crypto::constant_time_equal((*found)->key_hash, hash)) {
    return make_error(Code::Unauthenticated, "invalid or revoked API key");
  }
  return std::move(**found);
}

}  // namespace antcdn::api
