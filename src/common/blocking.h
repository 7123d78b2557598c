#pragma once

// The runtime's one rule, checked: event-loop threads never block. Threads that
// run an event loop mark themselves; every entry point that can block (a
// database call, an object-store call, a thread join, a sleep, a wait on a
// future) calls assert_may_block(), which aborts with the offender's name when
// it runs on a marked thread. The check is on in Debug builds and wherever
// ANTCDN_CHECK_BLOCKING=1 is set (the test suite sets it); otherwise it costs
// one branch.

namespace antcdn {

// Marks (or unmarks) the calling thread as an event-loop thread.
void mark_event_loop_thread(bool is_loop);
bool on_event_loop_thread();

// Aborts when blocking checks are enabled and the caller is an event-loop thread.
void assert_may_block(const char* what);

}  // namespace antcdn
