#pragma once

// The figures of a stream that change while it is watched or published
// (docs/api.md, "Stream health" and "Viewers"), read from what the ingest and
// edge nodes wrote to the store: health while the stream is connecting or live
// and its ingest node reported within kFreshFiguresMs, viewers summed over the
// edge nodes' rows of the last kFreshFiguresMs.

#include <cstdint>
#include <optional>

#include "common/result.h"
#include "media/stream_health.h"
#include "store/live_stats_repository.h"
#include "store/repositories.h"

namespace antcdn::api {

// Ingest nodes write health, edges viewers, every 2 s; a node silent for
// longer than this no longer counts.
inline constexpr int64_t kFreshFiguresMs = 10000;

struct LiveFigures {
  std::optional<media::StreamHealth> health;
  int64_t viewers = 0;
};

// Blocks on the store. An idle stream has neither (the edge serves it nothing).
Result<LiveFigures> read_live_figures(store::LiveStatsRepository& figures,
                                      const store::StreamRecord& stream, int64_t now_ms);

}  // namespace antcdn::api
