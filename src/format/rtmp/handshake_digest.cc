#include "format/rtmp/handshake_digest.h"

#include <algorithm>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace antcdn::format::rtmp::handshake_digest {

namespace {

constexpr size_t kPacketSize = 1536;
constexpr size_t kBlockSize = 764;
constexpr size_t kDigestSize = 32;
constexpr size_t kClientPublicKeySize = 30;
constexpr size_t kServerPublicKeySize = 36;

constexpr std::array<uint8_t, 32> kKeySuffix = {
    0xf0, 0xee, 0xc2, 0x4a, 0x80, 0x68, 0xbe, 0xe8, 0x2e, 0x00, 0xd0, 0xd1, 0x02, 0x9e, 0x7e, 0x57,
    0x6e, 0xec, 0x5d, 0x2d, 0x29, 0x80, 0x6f, 0xab, 0x93, 0xb8, 0xe6, 0x36, 0xcf, 0xeb, 0x31, 0xae,
};

// Builds text + kKeySuffix at compile time so the keys need no mutable statics.
template <size_t TextSize>
constexpr std::array<std::byte, TextSize + 32> make_key(std::string_view text) {
  std::array<std::byte, TextSize + 32> key{};
  for (size_t i = 0; i < TextSize; ++i) {
    key[i] = static_cast<std::byte>(text[i]);
  }
  for (size_t i = 0; i < kKeySuffix.size(); ++i) {
    key[TextSize + i] = static_cast<std::byte>(kKeySuffix[i]);
  }
  return key;
}

constexpr std::string_view kClientText = "Genuine Adobe Flash Player 001";
constexpr std::string_view kServerText = "Genuine Adobe Flash Media Server 001";
constexpr auto kClientKey = make_key<kClientText.size()>(kClientText);
constexpr auto kServerKey = make_key<kServerText.size()>(kServerText);
static_assert(kClientKey.size() == kClientPublicKeySize + 32);
static_assert(kServerKey.size() == kServerPublicKeySize + 32);

}  // namespace

ByteSpan client_key_full() {
  return kClientKey;
}
ByteSpan client_key_public() {
  return ByteSpan(kClientKey).first(kClientPublicKeySize);
}
ByteSpan server_key_full() {
  return kServerKey;
}
ByteSpan server_key_public() {
  return ByteSpan(kServerKey).first(kServerPublicKeySize);
}

Digest hmac_sha256(ByteSpan key, ByteSpan data) {
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &length);
  return out;
}

size_t digest_offset(ByteSpan packet, Schema schema) {
  size_t block = schema == Schema::DigestFirst ? 8 : 8 + kBlockSize;
  size_t sum = 0;
  for (size_t i = 0; i < 4; ++i) {
    sum += static_cast<uint8_t>(packet[block + i]);
  }
  // 728 = 764 - 4 offset bytes - 32 digest bytes: the digest stays in its block.
  return block + 4 + sum % (kBlockSize - 4 - kDigestSize);
}

Digest packet_digest(ByteSpan packet, size_t offset, ByteSpan key) {
  std::array<std::byte, kPacketSize - kDigestSize> joined{};
  auto it = std::copy_n(packet.begin(), offset, joined.begin());
  std::copy(packet.begin() + static_cast<std::ptrdiff_t>(offset + kDigestSize), packet.end(), it);
  return hmac_sha256(key, ByteSpan(joined).first(packet.size() - kDigestSize));
}

std::optional<Schema> find_client_digest(ByteSpan c1) {
  if (c1.size() != kPacketSize) {
    return std::nullopt;
  }
  // ffmpeg and Flash Player use the digest-first layout; try it first.
  for (Schema schema : {Schema::DigestFirst, Schema::KeyFirst}) {
    size_t offset = digest_offset(c1, schema);
    Digest expected = packet_digest(c1, offset, client_key_public());
    if (CRYPTO_memcmp(expected.data(), c1.data() + offset, kDigestSize) == 0) {
      return schema;
    }
  }
  return std::nullopt;
}

}  // namespace antcdn::format::rtmp::handshake_digest
