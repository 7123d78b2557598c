// Fuzzes a whole ServerConnection. The harness does a valid plain handshake,
// then feeds the input as chunk-stream bytes, split at a size chosen by the
// first byte; it accepts or rejects publishes (by the second byte) and drains
// output and events as the ingest session would.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "format/rtmp/server_connection.h"

using namespace antcdn;
using namespace antcdn::format::rtmp;

namespace {

Bytes handshake_prefix() {
  Bytes b(1 + 2 * 1536, std::byte{0x21});
  b[0] = std::byte{3};
  return b;
}

ServerConnectionOptions options() {
  ServerConnectionOptions o;
  o.chunk_limits.max_message_size = 1u << 20;
  o.chunk_limits.max_buffered_bytes = size_t{2} << 20;
  o.max_held_media_bytes = size_t{256} << 10;
  o.handshake.fill_random = [](std::span<std::byte> out) {
    std::fill(out.begin(), out.end(), std::byte{0x11});
  };
  return o;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  static const Bytes prefix = handshake_prefix();
  size_t step = data[0] == 0 ? size : size_t{data[0]} * 3;
  bool reject = (data[1] & 1) != 0;
  ByteSpan input(reinterpret_cast<const std::byte*>(data + 2), size - 2);

  ServerConnection conn(options());
  if (!conn.feed(prefix).ok() || !conn.handshake_done()) {
    __builtin_trap();
  }
  (void)conn.take_output();
  while (!input.empty()) {
    ByteSpan piece = input.first(std::min(step, input.size()));
    input = input.subspan(piece.size());
    Status s = conn.feed(piece);
    (void)conn.take_output();
    while (auto event = conn.poll_event()) {
      if (std::holds_alternative<PublishRequested>(*event)) {
        Status decided =
            reject ? conn.reject_publish("NetStream.Publish.BadName", "no") : conn.accept_publish();
        // Conflict is legitimate: the client may already have unpublished
        // (later in the same feed) by the time the owner decides.
        if (!decided.ok() && decided.error().code != Code::Conflict) {
          __builtin_trap();
        }
      }
    }
    if (!s.ok()) {
      if (!conn.closed() || conn.feed(piece).ok()) {
        __builtin_trap();
      }
      break;
    }
  }
  conn.send_status("status", "NetStream.Publish.Idle", "bye");
  (void)conn.take_output();
  return 0;
}
