#include "format/rtmp/handshake.h"

#include <algorithm>
#include <string>
#include <utility>

#include <openssl/rand.h>

#include "format/rtmp/handshake_digest.h"

namespace antcdn::format::rtmp {

namespace hd = handshake_digest;

namespace {

constexpr size_t kC0C1Size = 1 + ServerHandshake::kPacketSize;
constexpr size_t kDigestSize = 32;
// Version field of a digest S1; clients only check that it is non-zero.
constexpr uint32_t kServerVersion = 0x04050001;

Error bad_version(uint8_t version) {
  std::string hint;
  if (version == 6 || version == 8) {
    hint = " (encrypted RTMPE is not supported)";
  } else if (version == 0x16) {
    hint = " (looks like TLS: RTMPS is not served on this port)";
  } else if (version == 'G' || version == 'P' || version == 'H') {
    hint = " (looks like an HTTP request)";
  }
  return make_error(Code::Unsupported, "rtmp handshake: unsupported version " +
                                           std::to_string(version) + ", expected 3" + hint);
}

}  // namespace

ServerHandshake::ServerHandshake(HandshakeOptions options) : options_(std::move(options)) {
  c0c1_.reserve(kC0C1Size);
}

Result<Consumed> ServerHandshake::feed(ByteSpan data) {
  Consumed consumed;
  if (state_ == State::Failed) {
    return error_;
  }
  if (state_ == State::AwaitC0C1) {
    // Check C0 as soon as it arrives, so that a wrong client fails fast.
    if (c0c1_.empty() && !data.empty() && static_cast<uint8_t>(data[0]) != kVersion) {
      state_ = State::Failed;
      error_ = bad_version(static_cast<uint8_t>(data[0]));
      return error_;
    }
    size_t n = std::min(data.size(), kC0C1Size - c0c1_.size());
    c0c1_.insert(c0c1_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    consumed.bytes += n;
    data = data.subspan(n);
    if (c0c1_.size() < kC0C1Size) {
      return consumed;
    }
    answer_c0c1();
    state_ = State::AwaitC2;
  }
  if (state_ == State::AwaitC2) {
    // C2 should echo S1, but encoders differ in how faithfully (some send
    // zeros); nothing depends on it, so it is consumed unchecked.
    size_t n = std::min(data.size(), kPacketSize - c2_received_);
    c2_received_ += n;
    consumed.bytes += n;
    if (c2_received_ == kPacketSize) {
      state_ = State::Done;
      Bytes().swap(c0c1_);
    }
  }
  consumed.ready = state_ == State::Done;
  return consumed;
}

Bytes ServerHandshake::take_output() {
  return std::exchange(output_, Bytes());
}

void ServerHandshake::answer_c0c1() {
  ByteSpan c1 = ByteSpan(c0c1_).subspan(1);
  output_.assign(1 + 2 * kPacketSize, std::byte{0});
  output_[0] = std::byte{kVersion};
  std::span<std::byte> s1 = std::span<std::byte>(output_).subspan(1, kPacketSize);
  std::span<std::byte> s2 = std::span<std::byte>(output_).subspan(1 + kPacketSize);

  // S1: time 0, then either zeros (plain) or our version (digest), then random.
  fill_random(s1.subspan(8));
  std::optional<hd::Schema> schema = hd::find_client_digest(c1);
  if (!schema) {
    std::copy(c1.begin(), c1.end(), s2.begin());
    return;
  }
  digest_used_ = true;
  for (int i = 0; i < 4; ++i) {
    s1[4 + i] = std::byte{static_cast<uint8_t>(kServerVersion >> (8 * (3 - i)))};
  }
  // The server digest uses the client's schema; clients look for it there.
  size_t s1_offset = hd::digest_offset(s1, *schema);
  hd::Digest s1_digest = hd::packet_digest(s1, s1_offset, hd::server_key_public());
  std::copy(s1_digest.begin(), s1_digest.end(),
            s1.begin() + static_cast<std::ptrdiff_t>(s1_offset));

  size_t c1_offset = hd::digest_offset(c1, *schema);
  hd::Digest key = hd::hmac_sha256(hd::server_key_full(), c1.subspan(c1_offset, kDigestSize));
  fill_random(s2);
  ByteSpan s2_body = ByteSpan(s2).first(kPacketSize - kDigestSize);
  hd::Digest s2_digest = hd::hmac_sha256(key, s2_body);
  std::copy(s2_digest.begin(), s2_digest.end(), s2.end() - kDigestSize);
}

void ServerHandshake::fill_random(std::span<std::byte> out) const {
  if (options_.fill_random) {
    options_.fill_random(out);
    return;
  }
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1) {
    // S1/S2 randomness protects nothing; predictable bytes are still valid.
    std::fill(out.begin(), out.end(), std::byte{0x5a});
  }
}

}  // namespace antcdn::format::rtmp
