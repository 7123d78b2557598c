// Fuzzes the server handshake. The first input byte picks how the rest is split
// into feeds and whether the harness signs C1 with a valid client digest, so
// that the digest answer path is reached too (a fuzzer cannot forge an HMAC).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/rtmp/handshake.h"
#include "format/rtmp/handshake_digest.h"

using namespace antcdn;
using namespace antcdn::format::rtmp;

namespace {

void sign_c1(Bytes& c0c1, handshake_digest::Schema schema) {
  std::span<std::byte> c1 = std::span<std::byte>(c0c1).subspan(1, 1536);
  size_t offset = handshake_digest::digest_offset(c1, schema);
  handshake_digest::Digest d =
      handshake_digest::packet_digest(c1, offset, handshake_digest::client_key_public());
  std::copy(d.begin(), d.end(), c1.begin() + static_cast<std::ptrdiff_t>(offset));
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  uint8_t mode = data[0];
  Bytes input(reinterpret_cast<const std::byte*>(data + 1),
              reinterpret_cast<const std::byte*>(data + size));
  if ((mode & 0x80) != 0 && input.size() >= 1537) {
    input[0] = std::byte{3};
    sign_c1(input, (mode & 0x40) != 0 ? handshake_digest::Schema::KeyFirst
                                      : handshake_digest::Schema::DigestFirst);
  }
  size_t step = (mode & 0x3f) == 0 ? input.size() : size_t{mode & 0x3fu} * 37;

  ServerHandshake hs({.fill_random = [](std::span<std::byte> out) {
    std::fill(out.begin(), out.end(), std::byte{0x11});
  }});
  ByteSpan rest = input;
  size_t output = 0;
  while (!rest.empty()) {
    ByteSpan piece = rest.first(std::min(step, rest.size()));
    Result<Consumed> r = hs.feed(piece);
    output += hs.take_output().size();
    if (!r.ok()) {
      return 0;
    }
    if (r->bytes > piece.size() || (!r->ready && r->bytes != piece.size())) {
      std::abort();
    }
    rest = rest.subspan(r->bytes);
    if (r->ready) {
      break;
    }
  }
  if (hs.done() && (output != 3073 || input.size() - rest.size() != 3073)) {
    std::abort();
  }
  if ((mode & 0x80) != 0 && input.size() >= 1537 && output > 0 && !hs.digest_used()) {
    std::abort();
  }
  return 0;
}
