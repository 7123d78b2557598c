#include "common/crypto.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace antcdn::crypto {

Bytes random_bytes(size_t count) {
  Bytes out(count);
  if (count > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    std::fputs("fatal: OpenSSL CSPRNG failed\n", stderr);
    std::abort();
  }
  return out;
}

Sha256 sha256(ByteSpan data) {
  Sha256 out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
             EVP_sha256(), nullptr);
  return out;
}

std::string md5_base64(ByteSpan data) {
  std::array<unsigned char, 16> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_md5(), nullptr);
  std::array<unsigned char, 32> text{};  // 4 * ceil(16 / 3) + NUL
  int n = EVP_EncodeBlock(text.data(), digest.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(text.data()), static_cast<size_t>(n));
}

Sha256 hmac_sha256(ByteSpan key, ByteSpan data) {
  Sha256 out{};
  unsigned int len = 0;
  // One-shot HMAC() cannot fail with SHA-256 and in-memory buffers; a null
  // result would mean a broken OpenSSL, and continuing would sign garbage.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr) {
    std::fputs("fatal: OpenSSL HMAC-SHA-256 failed\n", stderr);
    std::abort();
  }
  return out;
}

std::string hex(ByteSpan data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::byte b : data) {
    out.push_back(kDigits[static_cast<uint8_t>(b) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(b) & 0xf]);
  }
  return out;
}

bool constant_time_equal(ByteSpan a, ByteSpan b) {
  if (a.size() != b.size()) {
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace antcdn::crypto
