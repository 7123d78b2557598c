#pragma once

// Admission of TCP connections by count: a cap on all connections of one
// listener and a cap per remote address, so that one host cannot take every
// slot (or every descriptor). Pure bookkeeping, thread-safe (the edge's loop
// runs on several threads); no sockets here.

#include <cstddef>
#include <memory>
#include <string>

namespace antcdn::net {

struct ConnectionLimits {
  size_t max_total = 0;        // 0: no cap
  size_t max_per_address = 0;  // 0: no cap (e.g. viewers behind one NAT)
};

class ConnectionLimiter {
 public:
  struct State;  // the counts; shared with live tickets

  // Holds one connection's slot and gives it back when destroyed (or reset),
  // even if the limiter has gone first.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(std::shared_ptr<State> state, std::string address);
    ~Ticket();
    Ticket(Ticket&& other) noexcept = default;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

    bool valid() const { return state_ != nullptr; }
    void reset();

   private:
    std::shared_ptr<State> state_;
    std::string address_;
  };

  enum class Refusal { None, Total, PerAddress };

  struct Admission {
    Ticket ticket;  // valid when admitted
    Refusal refusal = Refusal::None;
    bool admitted() const { return refusal == Refusal::None; }
  };

  explicit ConnectionLimiter(ConnectionLimits limits);

  Admission admit(const std::string& address);

  size_t total() const;
  size_t count(const std::string& address) const;
  const ConnectionLimits& limits() const { return limits_; }

 private:
  ConnectionLimits limits_;
  std::shared_ptr<State> state_;
};

}  // namespace antcdn::net
