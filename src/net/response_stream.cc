#include "net/response_stream.h"

namespace antcdn::net {

bool ResponseStream::write(std::string_view bytes) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || abandoned_) {
      return false;
    }
    if (queued_.size() + bytes.size() > kMaxQueuedBytes) {
      abandoned_ = true;  // the client does not read: let the server drop it
    } else {
      queued_.append(bytes);
    }
  }
  wake();
  std::lock_guard lock(mutex_);
  return !abandoned_;
}

void ResponseStream::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  wake();
}

bool ResponseStream::finished() const {
  std::lock_guard lock(mutex_);
  return closed_ || abandoned_;
}

void ResponseStream::on_ready(std::function<void()> wake) {
  {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
  }
  this->wake();  // anything queued before the server looked
}

ResponseStream::Taken ResponseStream::take() {
  std::lock_guard lock(mutex_);
  Taken t{std::move(queued_), closed_ || abandoned_};
  queued_.clear();
  return t;
}

void ResponseStream::abandon() {
  std::lock_guard lock(mutex_);
  abandoned_ = true;
  wake_ = nullptr;
}

void ResponseStream::wake() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    wake = wake_;
  }
  if (wake) {
    wake();
  }
}

}  // namespace antcdn::net
