#include "common/blocking.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace antcdn {
namespace {

thread_local bool t_event_loop = false;

bool checks_enabled() {
#ifndef NDEBUG
  static const bool enabled = true;
#else
  static const bool enabled = [] {
    const char* v = std::getenv("ANTCDN_CHECK_BLOCKING");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
#endif
  return enabled;
}

}  // namespace

void mark_event_loop_thread(bool is_loop) {
  t_event_loop = is_loop;
}

bool on_event_loop_thread() {
  return t_event_loop;
}

void assert_may_block(const char* what) {
  if (t_event_loop && checks_enabled()) {
    std::fprintf(stderr, "antcdn: blocking call on an event-loop thread: %s\n", what);
    std::abort();
  }
}

}  // namespace antcdn
