#include "net/sse.h"

namespace antcdn::net {

std::string sse_event(std::string_view id, std::string_view event, std::string_view data) {
  std::string out;
  if (!id.empty()) {
    out.append("id: ").append(id).append("\n");
  }
  if (!event.empty()) {
    out.append("event: ").append(event).append("\n");
  }
  for (;;) {
    auto nl = data.find('\n');
    out.append("data: ").append(data.substr(0, nl)).append("\n");
    if (nl == std::string_view::npos) {
      break;
    }
    data.remove_prefix(nl + 1);
  }
  return out.append("\n");
}

std::string sse_comment(std::string_view text) {
  return std::string(": ").append(text).append("\n\n");
}

std::string sse_retry(int milliseconds) {
  return "retry: " + std::to_string(milliseconds) + "\n\n";
}

}  // namespace antcdn::net
