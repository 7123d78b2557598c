#pragma once

// How many connections each listener may hold, from the process's descriptor
// limit: every connection is a descriptor, and running out of them would also
// fail storage writes, database connections and transcoder files. So part of
// the limit is kept for those, and the rest is shared among the listeners.
//
//   reserved = min(limit / 2, 128 + limit / 8)
//   budget   = limit - reserved
//   a listener's cap = budget * weight / (sum of the weights of the listeners
//   this node runs), weights: RTMP 1, API 1, edge 4 (viewers outnumber encoders).
//
// E.g. limit 1,048,576 (systemd's default hard limit): 131,200 reserved,
// RTMP 152,896, API 152,896, edge 611,584; limit 1,024: 256 reserved, 128/128/512.

#include <cstddef>
#include <cstdint>

namespace antcdn::app {

struct Config;

struct ListenerSet {
  bool rtmp = true;
  bool api = true;
  bool edge = true;
};

struct DescriptorBudget {
  uint64_t limit = 0;
  uint64_t reserved = 0;
  size_t rtmp = 0;  // 0 for a listener the node does not run
  size_t api = 0;
  size_t edge = 0;
};

DescriptorBudget plan_descriptors(uint64_t limit, ListenerSet listeners);

struct OpenFileLimit {
  uint64_t before = 0;
  uint64_t now = 0;  // the soft limit in force
};

// Raises the soft RLIMIT_NOFILE to the hard limit (the most an unprivileged
// process may) and reports both values.
OpenFileLimit raise_open_file_limit();

// At start: raises the limit, plans it for the roles in `config`, applies the
// --*-max-connections flags that are set, and logs the outcome.
DescriptorBudget connection_caps(const Config& config);

}  // namespace antcdn::app
