#include "edge/viewer_counter.h"

#include <cstring>
#include <functional>
#include <iterator>

#include "common/crypto.h"

namespace antcdn::edge {
namespace {

uint64_t random_salt() {
  Bytes b = crypto::random_bytes(sizeof(uint64_t));
  uint64_t salt = 0;
  std::memcpy(&salt, b.data(), sizeof(salt));
  return salt | 1;  // never 0
}

}  // namespace

ViewerCounter::ViewerCounter(ViewerCounterOptions options, uint64_t salt)
    : options_(options), salt_(salt != 0 ? salt : random_salt()) {}

uint64_t ViewerCounter::client_id(std::string_view address, std::string_view user_agent) const {
  std::string key;
  key.reserve(sizeof(salt_) + address.size() + 1 + user_agent.size());
  key.append(reinterpret_cast<const char*>(&salt_), sizeof(salt_));
  key.append(address).push_back('\n');
  key.append(user_agent);
  return std::hash<std::string>{}(key);
}

void ViewerCounter::forget_before_locked(Clients& clients, int64_t oldest_ms) {
  std::erase_if(clients, [oldest_ms](const auto& c) { return c.second < oldest_ms; });
}

void ViewerCounter::record(const std::string& edge_id, uint64_t client, int64_t now_ms) {
  const int64_t oldest = now_ms - options_.window_ms;
  std::lock_guard lock(mutex_);
  auto stream = streams_.find(edge_id);
  if (stream == streams_.end()) {
    if (streams_.size() >= options_.max_streams) {
      for (auto it = streams_.begin(); it != streams_.end();) {
        forget_before_locked(it->second, oldest);
        it = it->second.empty() ? streams_.erase(it) : std::next(it);
      }
      if (streams_.size() >= options_.max_streams) {
        return;
      }
    }
    stream = streams_.emplace(edge_id, Clients{}).first;
  }
  Clients& clients = stream->second;
  if (auto c = clients.find(client); c != clients.end()) {
    c->second = now_ms;
    return;
  }
  if (clients.size() >= options_.max_clients_per_stream) {
    forget_before_locked(clients, oldest);
    if (clients.size() >= options_.max_clients_per_stream) {
      return;  // the count stays at the cap until some leave
    }
  }
  clients.emplace(client, now_ms);
}

std::map<std::string, int64_t> ViewerCounter::counts(int64_t now_ms) {
  const int64_t oldest = now_ms - options_.window_ms;
  std::map<std::string, int64_t> out;
  std::lock_guard lock(mutex_);
  for (auto it = streams_.begin(); it != streams_.end();) {
    forget_before_locked(it->second, oldest);
    if (it->second.empty()) {
      it = streams_.erase(it);
    } else {
      out.emplace(it->first, static_cast<int64_t>(it->second.size()));
      ++it;
    }
  }
  return out;
}

}  // namespace antcdn::edge
