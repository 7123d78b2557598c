#pragma once

// A response body written while it is sent (server-sent events): a handler
// answers with an HttpResponse whose `stream` is set, the server writes the
// headers at once and then whatever producers write(), from any thread, until
// close() or the client leaves. Producers never block: bytes are queued, and
// a client that does not keep up (more than kMaxQueuedBytes waiting) is
// dropped, like a slow viewer.

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

namespace antcdn::net {

class ResponseStream {
 public:
  static constexpr size_t kMaxQueuedBytes = 1 << 20;

  // Producer side, any thread. False once the response is over (closed, the
  // client left or fell behind): stop writing.
  bool write(std::string_view bytes);
  // Ends the response after what is queued.
  void close();
  bool finished() const;

  // Server side. `wake` is called (on the producer's thread, without the lock)
  // whenever there is something new to take.
  void on_ready(std::function<void()> wake);
  struct Taken {
    std::string bytes;
    bool closed = false;
  };
  Taken take();
  // The client is gone (or the server stopped): writes fail from now on.
  void abandon();

 private:
  void wake();

  mutable std::mutex mutex_;
  std::string queued_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::function<void()> wake_;
};

}  // namespace antcdn::net
