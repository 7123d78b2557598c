#pragma once

// Streams by state for /metrics, asked on a thread of its own so that a scrape
// waits for the database at most a bound: a scrape during a database outage
// still answers, without this family. A query that overruns is left to finish;
// the next scrape waits for it rather than start another, so a hung database
// holds one thread, not one per scrape.

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "common/result.h"
#include "media/stream_state.h"
#include "net/blocking_pool.h"

namespace antcdn::app {

class StreamStateCounts {
 public:
  using Counts = std::map<media::StreamState, int64_t>;
  using Query = std::function<Result<Counts>()>;

  // `query` runs on `pool` (which must outlive every query it was given).
  StreamStateCounts(Query query, net::BlockingPool& pool);

  // Blocks up to `wait`: call it on a thread that may block. Unavailable when
  // the query has not answered by then.
  Result<Counts> get(std::chrono::milliseconds wait);

 private:
  struct Shared;
  Query query_;
  net::BlockingPool& pool_;
  std::shared_ptr<Shared> shared_;  // with the query in flight, which may outlive this
};

}  // namespace antcdn::app
