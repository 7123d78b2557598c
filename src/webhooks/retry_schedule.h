#pragma once

// When a failed delivery is tried again: exponential backoff from 1 s,
// doubling to at most an hour, each delay drawn uniformly from its upper half
// (jitter, so that a receiver coming back is not hit by every retry at once),
// for 24 hours after the event; then the delivery has failed.

#include <chrono>
#include <cstdint>
#include <optional>

namespace antcdn::webhooks {

inline constexpr std::chrono::milliseconds kFirstRetry{1000};
inline constexpr std::chrono::milliseconds kLongestRetry{3600 * 1000};
inline constexpr std::chrono::milliseconds kGiveUpAfter{24 * 3600 * 1000};

// After failed attempt number `attempt` (from 1) of an event made at
// `event_ms`: when to try again, or nullopt when it is past 24 hours.
// `unit_random` in [0, 1) picks the jitter.
std::optional<int64_t> next_attempt_at(int attempt, int64_t event_ms, int64_t now_ms,
                                       double unit_random);

}  // namespace antcdn::webhooks
