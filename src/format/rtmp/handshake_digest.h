#pragma once

// The HMAC-SHA256 arithmetic of the Flash-style "digest" RTMP handshake.
//
// A 1536-byte C1/S1 is: time(4) version(4) then two 764-byte blocks, a key block
// and a digest block, in an order called the schema. The digest block starts
// with 4 offset bytes; the 32-byte digest sits at block+4+(sum of them % 728).
// The digest is HMAC-SHA256 over the packet without those 32 bytes, keyed with
// the public part of the sender's key. S2's last 32 bytes are HMAC-SHA256 over
// the rest of S2, keyed with HMAC-SHA256(full server key, client digest).

#include <array>
#include <cstddef>
#include <optional>

#include "common/bytes.h"

namespace antcdn::format::rtmp::handshake_digest {

using Digest = std::array<std::byte, 32>;

enum class Schema {
  KeyFirst,     // schema 0: key block at 8, digest block at 772
  DigestFirst,  // schema 1: digest block at 8, key block at 772
};

// "Genuine Adobe Flash Player 001" (30 bytes) + 32 fixed bytes.
ByteSpan client_key_full();
ByteSpan client_key_public();
// "Genuine Adobe Flash Media Server 001" (36 bytes) + the same 32 fixed bytes.
ByteSpan server_key_full();
ByteSpan server_key_public();

Digest hmac_sha256(ByteSpan key, ByteSpan data);

// Offset of the 32-byte digest in a 1536-byte packet for `schema`.
size_t digest_offset(ByteSpan packet, Schema schema);

// HMAC over `packet` minus the 32 bytes at `offset`.
Digest packet_digest(ByteSpan packet, size_t offset, ByteSpan key);

// The schema under which `c1` carries a valid client digest, if any.
std::optional<Schema> find_client_digest(ByteSpan c1);

}  // namespace antcdn::format::rtmp::handshake_digest
