#include "net/connection_limiter.h"

#include <mutex>
#include <unordered_map>
#include <utility>

namespace antcdn::net {

struct ConnectionLimiter::State {
  mutable std::mutex mutex;
  size_t total = 0;
  // Only addresses with open connections: the map never outgrows the total.
  std::unordered_map<std::string, size_t> per_address;

  void release(const std::string& address) {
    std::lock_guard lock(mutex);
    --total;
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) {
      per_address.erase(it);
    }
  }
};

ConnectionLimiter::Ticket::Ticket(std::shared_ptr<State> state, std::string address)
    : state_(std::move(state)), address_(std::move(address)) {}

ConnectionLimiter::Ticket::~Ticket() {
  reset();
}

ConnectionLimiter::Ticket& ConnectionLimiter::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    address_ = std::move(other.address_);
  }
  return *this;
}

void ConnectionLimiter::Ticket::reset() {
  if (state_) {
    state_->release(address_);
    state_.reset();
  }
}

ConnectionLimiter::ConnectionLimiter(ConnectionLimits limits)
    : limits_(limits), state_(std::make_shared<State>()) {}

ConnectionLimiter::Admission ConnectionLimiter::admit(const std::string& address) {
  std::lock_guard lock(state_->mutex);
  if (limits_.max_total > 0 && state_->total >= limits_.max_total) {
    return {.refusal = Refusal::Total};
  }
  size_t& mine = state_->per_address[address];
  if (limits_.max_per_address > 0 && mine >= limits_.max_per_address) {
    return {.refusal = Refusal::PerAddress};
  }
  ++mine;
  ++state_->total;
  return {.ticket = Ticket(state_, address)};
}

size_t ConnectionLimiter::total() const {
  std::lock_guard lock(state_->mutex);
  return state_->total;
}

size_t ConnectionLimiter::count(const std::string& address) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->per_address.find(address);
  return it == state_->per_address.end() ? 0 : it->second;
}

}  // namespace antcdn::net
