#include "app/descriptor_budget.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include "app/config.h"

namespace antcdn::app {
namespace {

constexpr uint64_t kBaseReserve = 128;
constexpr uint64_t kRtmpWeight = 1;
constexpr uint64_t kApiWeight = 1;
constexpr uint64_t kEdgeWeight = 4;
// Linux caps RLIMIT_NOFILE at fs.nr_open (2^20 by default) even when the hard
// limit reads "unlimited".
constexpr uint64_t kUnlimitedStandIn = uint64_t{1} << 20;

}  // namespace

DescriptorBudget plan_descriptors(uint64_t limit, ListenerSet listeners) {
  DescriptorBudget out;
  out.limit = limit;
  out.reserved = std::min(limit / 2, kBaseReserve + limit / 8);
  const uint64_t budget = limit - out.reserved;
  const uint64_t weights = (listeners.rtmp ? kRtmpWeight : 0) + (listeners.api ? kApiWeight : 0) +
                           (listeners.edge ? kEdgeWeight : 0);
  auto share = [&](bool runs, uint64_t weight) -> size_t {
    if (!runs) {
      return 0;
    }
    return static_cast<size_t>(std::max<uint64_t>(1, budget * weight / weights));
  };
  out.rtmp = share(listeners.rtmp, kRtmpWeight);
  out.api = share(listeners.api, kApiWeight);
  out.edge = share(listeners.edge, kEdgeWeight);
  return out;
}

OpenFileLimit raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return {};
  }
  OpenFileLimit out{.before = limit.rlim_cur, .now = limit.rlim_cur};
  rlim_t hard = limit.rlim_max == RLIM_INFINITY ? kUnlimitedStandIn : limit.rlim_max;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= hard) {
    out.now = std::min<uint64_t>(limit.rlim_cur, hard);
    return out;
  }
  rlimit raised{.rlim_cur = hard, .rlim_max = limit.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
    out.now = hard;
  }
  return out;
}

DescriptorBudget connection_caps(const Config& config) {
  OpenFileLimit fds = raise_open_file_limit();
  DescriptorBudget b = plan_descriptors(fds.now, {.rtmp = config.has_role("ingest"),
                                                  .api = config.has_role("api"),
                                                  .edge = config.has_role("edge")});
  auto apply = [](size_t& cap, int flag) {
    if (flag > 0) {
      cap = static_cast<size_t>(flag);
    }
  };
  apply(b.rtmp, config.rtmp_max_connections);
  apply(b.api, config.api_max_connections);
  apply(b.edge, config.edge_max_connections);
  spdlog::info(
      "descriptors: limit {}{}, {} kept for storage and the database; connection caps: RTMP {}, "
      "API {}, edge {}",
      fds.now, fds.now != fds.before ? fmt::format(" (raised from {})", fds.before) : "",
      b.reserved, b.rtmp, b.api, b.edge);
  if (b.rtmp + b.api + b.edge + b.reserved > fds.now) {
    spdlog::warn(
        "descriptors: the connection caps exceed what the limit leaves; when descriptors run out, "
        "listeners pause accepting until connections close");
  }
  return b;
}

}  // namespace antcdn::app
