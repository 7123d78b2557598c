#pragma once

// Public identifiers and credentials. Ids are lowercase ULIDs (Crockford base32,
// 48-bit millisecond time + 80 random bits) so they sort by creation time.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/secret.h"

namespace antcdn::ids {

inline constexpr std::string_view kStreamIdPrefix = "ls_";
inline constexpr std::string_view kEdgeIdPrefix = "lse_";
inline constexpr std::string_view kStreamKeyPrefix = "sk_live_";
inline constexpr std::string_view kApiKeyPrefix = "ak_";

// Lowercase Crockford base32 of `data`, most significant bits first.
std::string base32(ByteSpan data);

std::string ulid(int64_t unix_ms);
std::string new_stream_id(int64_t unix_ms);
std::string new_edge_id(int64_t unix_ms);
std::string new_api_key_id(int64_t unix_ms);
std::string new_event_id(int64_t unix_ms);      // evt_<ulid>
std::string new_webhook_id(int64_t unix_ms);    // wh_<ulid>
std::string new_recording_id(int64_t unix_ms);  // rec_<ulid>

// 200 random bits each.
Secret new_stream_key();
Secret new_api_key();
Secret new_webhook_secret();  // whsec_ + 200 random bits

bool is_stream_id(std::string_view s);
bool is_edge_id(std::string_view s);
bool is_webhook_id(std::string_view s);
bool is_recording_id(std::string_view s);

// The stored form of a credential. Credentials carry 200 bits of entropy, so a
// plain SHA-256 is a safe one-way function (no salt or stretching is needed).
crypto::Sha256 credential_hash(const Secret& secret);

}  // namespace antcdn::ids
