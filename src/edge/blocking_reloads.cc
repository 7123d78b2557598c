#include "edge/blocking_reloads.h"

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace antcdn::edge {
namespace {

using Clock = std::chrono::steady_clock;
using format::hls::Delivery;

// How long an offered version is kept when nobody waits for it: far longer
// than a request takes from reading the cache to wait().
constexpr std::chrono::seconds kKeepOffered{1};

Error hold_ran_out() {
  return make_error(Code::Unavailable, "the playlist did not reach the requested part in time");
}

std::optional<format::hls::LiveEdge> edge_of(const storage::ObjectPtr& playlist) {
  if (!playlist) {
    return std::nullopt;
  }
  auto edge = format::hls::read_live_edge(as_chars(playlist->data));
  return edge.ok() ? std::optional(*edge) : std::nullopt;
}

using Ready = std::vector<std::pair<BlockingReloads::Answer, Result<storage::ObjectPtr>>>;

void answer_all(Ready& ready) {
  for (auto& [answer, result] : ready) {
    answer(std::move(result));
  }
  ready.clear();
}

}  // namespace

struct BlockingReloads::Core {
  struct Waiter {
    format::hls::PartWanted wanted;
    Clock::time_point deadline;
    Answer answer;
  };
  struct Watched {
    storage::ObjectPtr latest;
    format::hls::LiveEdge edge;
    std::vector<Waiter> waiters;
    bool reading = false;       // a fresh read is in flight
    Clock::time_point offered;  // the last offer(); kept a while after it (see offer())
  };

  explicit Core(BlockingReloadOptions o) : options(std::move(o)) {}

  // Takes `playlist` if it is newer than what `w` knows, and answers the
  // waiters it satisfies (into `ready`, to be called without the lock).
  void take_locked(Watched& w, const storage::ObjectPtr& playlist, Ready& ready) {
    auto edge = edge_of(playlist);
    if (!edge || (w.latest && !format::hls::is_newer(*edge, w.edge))) {
      return;
    }
    w.latest = playlist;
    w.edge = *edge;
    std::erase_if(w.waiters, [&](Waiter& waiter) {
      if (format::hls::delivery(w.edge, waiter.wanted) != Delivery::Now) {
        return false;
      }
      ready.emplace_back(std::move(waiter.answer), w.latest);
      --waiting;
      return true;
    });
  }

  // One poll: holds that ran out are answered, and the playlists with waiters
  // are read again from the origin.
  void poll(const std::shared_ptr<Core>& self, std::unique_lock<std::mutex>& lock) {
    Ready ready;
    std::vector<std::string> to_read;
    auto now = Clock::now();
    for (auto it = watched.begin(); it != watched.end();) {
      Watched& w = it->second;
      std::erase_if(w.waiters, [&](Waiter& waiter) {
        if (waiter.deadline > now) {
          return false;
        }
        ready.emplace_back(std::move(waiter.answer), hold_ran_out());
        --waiting;
        return true;
      });
      if (w.waiters.empty() && !w.reading && now - w.offered >= kKeepOffered) {
        it = watched.erase(it);  // nobody waits: forget the versions seen
        continue;
      }
      if (!w.waiters.empty() && !w.reading && options.read_fresh) {
        w.reading = true;
        to_read.push_back(it->first);
      }
      ++it;
    }
    lock.unlock();
    answer_all(ready);
    for (const std::string& key : to_read) {
      options.read_fresh(key, [self, key](Result<storage::ObjectPtr> read) {
        Ready satisfied;
        {
          std::lock_guard inner(self->mutex);
          auto it = self->watched.find(key);
          if (it == self->watched.end()) {
            return;
          }
          it->second.reading = false;
          if (read.ok()) {
            self->take_locked(it->second, *read, satisfied);
          }
        }
        answer_all(satisfied);
      });
    }
    lock.lock();
  }

  const BlockingReloadOptions options;
  std::mutex mutex;
  std::condition_variable wake;
  std::unordered_map<std::string, Watched> watched;
  size_t waiting = 0;
  bool stopping = false;
  // Waiters an offer() satisfied, answered on the poll thread: the offer comes
  // from the packager's thread (the ingest loop for passthrough), which must
  // not spend milliseconds answering thousands of viewers.
  Ready handoff;
};

BlockingReloads::BlockingReloads(BlockingReloadOptions options)
    : core_(std::make_shared<Core>(std::move(options))) {
  poller_ = std::thread([core = core_] {
    std::unique_lock lock(core->mutex);
    auto next_poll = Clock::now() + core->options.poll_interval;
    while (!core->stopping) {
      core->wake.wait_until(lock, next_poll,
                            [&] { return core->stopping || !core->handoff.empty(); });
      if (!core->handoff.empty()) {
        Ready ready = std::exchange(core->handoff, {});
        lock.unlock();
        answer_all(ready);
        lock.lock();
      }
      if (!core->stopping && Clock::now() >= next_poll) {
        core->poll(core, lock);
        next_poll = Clock::now() + core->options.poll_interval;
      }
    }
  });
}

BlockingReloads::~BlockingReloads() {
  Ready ready;
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
    for (auto& [key, w] : core_->watched) {
      for (auto& waiter : w.waiters) {
        ready.emplace_back(std::move(waiter.answer), hold_ran_out());
      }
      w.waiters.clear();
    }
    core_->waiting = 0;
    ready.insert(ready.end(), std::make_move_iterator(core_->handoff.begin()),
                 std::make_move_iterator(core_->handoff.end()));
    core_->handoff.clear();
  }
  core_->wake.notify_all();
  poller_.join();
  answer_all(ready);
}

size_t BlockingReloads::waiting() const {
  std::lock_guard lock(core_->mutex);
  return core_->waiting;
}

void BlockingReloads::wait(const std::string& key, const storage::ObjectPtr& current,
                           const format::hls::PartWanted& wanted, std::chrono::milliseconds hold,
                           Answer answer) {
  Ready ready;
  {
    std::lock_guard lock(core_->mutex);
    if (core_->stopping) {
      ready.emplace_back(std::move(answer), hold_ran_out());
    } else {
      Core::Watched& w = core_->watched[key];
      core_->take_locked(w, current, ready);
      if (w.latest && format::hls::delivery(w.edge, wanted) == Delivery::Now) {
        ready.emplace_back(std::move(answer), w.latest);  // a newer version was known
      } else {
        w.waiters.push_back(Core::Waiter{wanted, Clock::now() + hold, std::move(answer)});
        ++core_->waiting;
      }
    }
  }
  answer_all(ready);
}

void BlockingReloads::offer(const std::string& key, const storage::ObjectPtr& playlist) {
  Ready ready;
  {
    std::lock_guard lock(core_->mutex);
    if (core_->stopping) {
      return;
    }
    Core::Watched& w = core_->watched[key];
    w.offered = Clock::now();
    if (!w.waiters.empty()) {
      core_->take_locked(w, playlist, ready);
    } else if (auto edge = edge_of(playlist)) {
      // Kept though nobody waits yet: a request that read the previous
      // version from the cache just before this publish calls wait() just
      // after it, and must be answered with this version, not the next one.
      // Replaced, not compared: this node's writer offers its versions in
      // order, and a stream that ended and started again goes on from here.
      w.latest = playlist;
      w.edge = *edge;
    }
    if (ready.empty()) {
      return;
    }
    core_->handoff.insert(core_->handoff.end(), std::make_move_iterator(ready.begin()),
                          std::make_move_iterator(ready.end()));
  }
  core_->wake.notify_one();
}

}  // namespace antcdn::edge
