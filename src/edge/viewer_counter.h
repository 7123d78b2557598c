#pragma once

// Approximate concurrent viewers per stream on this edge node (docs/api.md,
// "Viewers"): the distinct clients that fetched a media segment of the stream
// within the window. A client is a salted 64-bit hash of its address and
// User-Agent: neither is kept, and the salt is per process, so the hashes mean
// nothing outside it. Memory is bounded: at most max_clients_per_stream
// clients per stream (the count then stays at that cap) and max_streams
// streams. Fed the time by its caller (tests use made-up clocks); thread-safe,
// each call a short critical section (edge loop threads record, the live-stats
// reporter reads).

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace antcdn::edge {

struct ViewerCounterOptions {
  int64_t window_ms = 10000;
  size_t max_clients_per_stream = 10000;
  size_t max_streams = 10000;
};

class ViewerCounter {
 public:
  // `salt` keys the client hashes; a random one when 0.
  explicit ViewerCounter(ViewerCounterOptions options = {}, uint64_t salt = 0);

  uint64_t client_id(std::string_view address, std::string_view user_agent) const;
  void record(const std::string& edge_id, uint64_t client, int64_t now_ms);
  // Viewers per edge id now (streams with none are left out), forgetting
  // clients not seen within the window.
  std::map<std::string, int64_t> counts(int64_t now_ms);

 private:
  using Clients = std::unordered_map<uint64_t, int64_t>;  // client -> last seen (unix ms)
  void forget_before_locked(Clients& clients, int64_t oldest_ms);

  ViewerCounterOptions options_;
  uint64_t salt_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clients> streams_;
};

}  // namespace antcdn::edge
