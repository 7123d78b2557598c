#include "webhooks/retry_schedule.h"

#include <algorithm>

namespace antcdn::webhooks {

std::optional<int64_t> next_attempt_at(int attempt, int64_t event_ms, int64_t now_ms,
                                       double unit_random) {
  int doublings = std::clamp(attempt - 1, 0, 30);
  int64_t ceiling = std::min<int64_t>(kFirstRetry.count() << doublings, kLongestRetry.count());
  double fraction = 0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0);
  auto at = now_ms + static_cast<int64_t>(static_cast<double>(ceiling) * fraction);
  if (at > event_ms + kGiveUpAfter.count()) {
    return std::nullopt;
  }
  return at;
}

}  // namespace antcdn::webhooks
