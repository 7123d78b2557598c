#include "app/keys_cli.h"

#include <fmt/format.h>

#include "app/store_factory.h"
#include "common/ids.h"
#include "common/time_util.h"

namespace antcdn::app {

Result<Secret> create_api_key(store::ApiKeyRepository& keys, const std::string& name) {
  int64_t now = unix_now_ms();
  Secret key = ids::new_api_key();
  store::ApiKeyRecord record{.key_id = ids::new_api_key_id(now),
                             .name = name,
                             .key_hash = ids::credential_hash(key),
                             .created_at_ms = now};
  if (auto s = keys.create_key(record); !s.ok()) {
    return s.error();
  }
  return key;
}

int keys_create(const Config& config, const std::string& name) {
  auto store = open_store(config);
  if (!store.ok()) {
    fmt::print(stderr, "antcdn: {}\n", store.error().describe());
    return 1;
  }
  auto key = create_api_key(**store, name);
  if (!key.ok()) {
    fmt::print(stderr, "antcdn: {}\n", key.error().describe());
    return 1;
  }
  // The key alone on stdout, so scripts can capture it; it is never shown again.
  fmt::print("{}\n", key->reveal());
  return 0;
}

int keys_list(const Config& config) {
  auto store = open_store(config);
  if (!store.ok()) {
    fmt::print(stderr, "antcdn: {}\n", store.error().describe());
    return 1;
  }
  auto keys = (*store)->list_keys();
  if (!keys.ok()) {
    fmt::print(stderr, "antcdn: {}\n", keys.error().describe());
    return 1;
  }
  fmt::print("{:<32}  {:<20}  {:<8}  {}\n", "ID", "CREATED", "STATUS", "NAME");
  for (const auto& k : *keys) {
    fmt::print("{:<32}  {:<20}  {:<8}  {}\n", k.key_id, rfc3339_seconds(k.created_at_ms),
               k.revoked_at_ms ? "revoked" : "active", k.name);
  }
  return 0;
}

int keys_revoke(const Config& config, const std::string& key_id) {
  auto store = open_store(config);
  if (!store.ok()) {
    fmt::print(stderr, "antcdn: {}\n", store.error().describe());
    return 1;
  }
  if (auto s = (*store)->revoke_key(key_id, unix_now_ms()); !s.ok()) {
    fmt::print(stderr, "antcdn: {}\n", s.error().describe());
    return 1;
  }
  fmt::print("revoked {}\n", key_id);
  return 0;
}

}  // namespace antcdn::app
