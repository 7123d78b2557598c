#include "common/time_util.h"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace antcdn {

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string rfc3339_seconds(int64_t unix_ms) {
  std::chrono::sys_seconds t{std::chrono::seconds{unix_ms / 1000}};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", t);
}

std::string rfc3339_millis(int64_t unix_ms) {
  std::chrono::sys_seconds t{std::chrono::seconds{unix_ms / 1000}};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", t, static_cast<int>(unix_ms % 1000));
}

}  // namespace antcdn
