#pragma once

// Server side of the RTMP handshake, sans-I/O: C0+C1 in, S0+S1+S2 out, C2 in.
//
// Two flavours exist in the wild. The plain one (RTMP spec 5.2) echoes C1 as S2.
// The digest one ("complex", from Flash Player 9) hides an HMAC-SHA256 digest
// in C1; a client that sends one may verify that S1 carries a server digest and
// that S2 is signed with a key derived from its own digest. We detect the client
// digest at either of its two possible positions and answer in kind.

#include <cstddef>
#include <functional>
#include <span>

#include "common/bytes.h"
#include "common/result.h"
#include "format/rtmp/message.h"

namespace antcdn::format::rtmp {

struct HandshakeOptions {
  // Fills S1/S2 random bytes. Empty means OpenSSL's RAND_bytes; tests and fuzz
  // targets inject a deterministic filler.
  std::function<void(std::span<std::byte>)> fill_random;
};

class ServerHandshake {
 public:
  static constexpr size_t kPacketSize = 1536;  // C1, C2, S1, S2
  static constexpr uint8_t kVersion = 3;

  explicit ServerHandshake(HandshakeOptions options = {});

  // Consumes handshake bytes. Returns ready once C2 has been fully consumed;
  // bytes after C2 are not consumed (they are the first chunks). After an
  // error every call fails with the same error.
  Result<Consumed> feed(ByteSpan data);

  // S0+S1+S2, available once C0+C1 have arrived; empty before and after.
  Bytes take_output();

  bool done() const { return state_ == State::Done; }
  // Whether the client sent a digest C1 and got a digest answer.
  bool digest_used() const { return digest_used_; }

 private:
  enum class State { AwaitC0C1, AwaitC2, Done, Failed };

  void answer_c0c1();
  void fill_random(std::span<std::byte> out) const;

  HandshakeOptions options_;
  State state_ = State::AwaitC0C1;
  Bytes c0c1_;
  size_t c2_received_ = 0;
  Bytes output_;
  bool digest_used_ = false;
  Error error_;
};

}  // namespace antcdn::format::rtmp
