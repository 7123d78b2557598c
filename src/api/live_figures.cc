#include "api/live_figures.h"

namespace antcdn::api {

Result<LiveFigures> read_live_figures(store::LiveStatsRepository& figures,
                                      const store::StreamRecord& stream, int64_t now_ms) {
  LiveFigures out;
  if (stream.state == media::StreamState::Idle) {
    return out;
  }
  const int64_t fresh_since = now_ms - kFreshFiguresMs;
  if (media::is_on_air(stream.state)) {
    auto health = figures.get_health(stream.stream_id, fresh_since);
    if (!health.ok()) {
      return health.error();
    }
    out.health = std::move(*health);
  }
  auto viewers = figures.count_viewers(stream.edge_id, fresh_since);
  if (!viewers.ok()) {
    return viewers.error();
  }
  out.viewers = *viewers;
  return out;
}

}  // namespace antcdn::api
