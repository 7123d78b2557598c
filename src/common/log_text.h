#pragma once

// What reaches a log line from a peer (an RTMP app name, an encoder string, a
// URL) is the peer's choice: it may be 64 KB long, carry CR/LF to forge log
// lines, or be a stream key pasted into the wrong field. These make it safe.
// Pure: no I/O, the caller passes the clock.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace antcdn {

inline constexpr size_t kMaxLoggedPeerChars = 128;

// Printable ASCII only (anything else becomes '?'), at most
// kMaxLoggedPeerChars characters (then "..."), and every token shaped like a
// credential replaced by "[redacted]": one starting with a stream or API key
// prefix, or any run of 24 or more letters, digits, '_' or '-' (keys of other
// services look like that too).
std::string loggable(std::string_view peer_text);

// Lets at most `burst` lines per `window_ms` through for each key (a remote
// address), so a client that is refused in a loop cannot flood the log.
class LogThrottle {
 public:
  LogThrottle(int burst, int64_t window_ms, size_t max_keys = 10000)
      : burst_(burst), window_ms_(window_ms), max_keys_(max_keys) {}

  // nullopt: drop this line. Otherwise how many lines of this key were dropped
  // since the last one that passed (to be mentioned in this one).
  std::optional<uint64_t> admit(const std::string& key, int64_t now_ms);

 private:
  struct Entry {
    int64_t window_start = 0;
    int passed = 0;
    uint64_t dropped = 0;
  };

  int burst_;
  int64_t window_ms_;
  size_t max_keys_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace antcdn
