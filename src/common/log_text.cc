#include "common/log_text.h"

#include <algorithm>
#include <utility>

#include "common/ids.h"

namespace antcdn {
namespace {

constexpr size_t kCredentialRun = 24;
constexpr std::string_view kRedacted = "[redacted]";

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool looks_like_credential(std::string_view token) {
  return token.size() >= kCredentialRun || token.starts_with(ids::kStreamKeyPrefix) ||
         token.starts_with(ids::kApiKeyPrefix);
}

}  // namespace

std::string loggable(std::string_view peer_text) {
  std::string out;
  size_t i = 0;
  // Redact before truncating, so a key is never cut into a loggable prefix.
  while (i < peer_text.size() && out.size() < kMaxLoggedPeerChars) {
    if (!is_token_char(peer_text[i])) {
      char c = peer_text[i++];
      out += (c >= 0x20 && c < 0x7f) ? c : '?';
      continue;
    }
    size_t end = i;
    while (end < peer_text.size() && is_token_char(peer_text[end])) {
      ++end;
    }
    std::string_view token = peer_text.substr(i, end - i);
    out += looks_like_credential(token) ? kRedacted : token;
    i = end;
  }
  if (out.size() > kMaxLoggedPeerChars || i < peer_text.size()) {
    out.resize(std::min(out.size(), kMaxLoggedPeerChars));
    out += "...";
  }
  return out;
}

std::optional<uint64_t> LogThrottle::admit(const std::string& key, int64_t now_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) {
      // Forget the keys whose window is over; if every key is busy, pass
      // without tracking rather than grow without bound.
      std::erase_if(entries_,
                    [&](const auto& e) { return now_ms - e.second.window_start >= window_ms_; });
      if (entries_.size() >= max_keys_) {
        return 0;
      }
    }
    it = entries_.emplace(key, Entry{now_ms, 0, 0}).first;
  }
  Entry& e = it->second;
  if (now_ms - e.window_start >= window_ms_) {
    e.window_start = now_ms;
    e.passed = 0;
  }
  if (e.passed >= burst_) {
    ++e.dropped;
    return std::nullopt;
  }
  ++e.passed;
  return std::exchange(e.dropped, 0);
}

}  // namespace antcdn
