#pragma once

// The text/event-stream format (HTML Living Standard, "Server-sent events"):
// pure functions that frame one event or a comment line.

#include <string>
#include <string_view>

namespace antcdn::net {

// "id: …\nevent: …\ndata: …\n\n"; `data` may span lines (each becomes a data
// line). Empty `id` or `event` are left out.
std::string sse_event(std::string_view id, std::string_view event, std::string_view data);
// ": text\n\n", which clients ignore (keep-alives).
std::string sse_comment(std::string_view text);
// "retry: ms\n\n": how long a client waits before reconnecting.
std::string sse_retry(int milliseconds);

}  // namespace antcdn::net
