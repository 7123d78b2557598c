#include "store/event_feed.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "net/sse.h"

namespace antcdn::store {
namespace {

constexpr int kBatch = 500;

}  // namespace

EventFeed::EventFeed(WebhookRepository& repo, std::chrono::milliseconds poll,
                     std::chrono::milliseconds keepalive)
    : repo_(repo), poll_(poll), keepalive_(keepalive) {}

EventFeed::~EventFeed() {
  stop();
}

void EventFeed::start() {
  thread_ = std::thread([this] { run(); });
}

void EventFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  std::vector<Entry> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(pending_);
  }
  for (auto* list : {&left, &active_}) {
    for (auto& e : *list) {
      e.subscriber->on_close();
    }
    list->clear();
  }
}

void EventFeed::subscribe(FeedFilter filter, std::shared_ptr<FeedSubscriber> subscriber) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      subscriber->on_close();
      return;
    }
    pending_.push_back(Entry{std::move(filter), std::move(subscriber)});
  }
  wake_.notify_all();  // admitted at once, not at the next poll
}

size_t EventFeed::subscribers() const {
  std::lock_guard lock(mutex_);
  return pending_.size() + active_count_;
}

void EventFeed::run() {
  auto next_keepalive = std::chrono::steady_clock::now() + keepalive_;
  auto next_poll = std::chrono::steady_clock::now();
  for (;;) {
    std::vector<Entry> fresh;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, std::min(next_poll, next_keepalive),
                       [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) {
        return;
      }
      fresh.swap(pending_);
    }
    if (head_ < 0) {
      auto head = repo_.last_event_seq();
      if (!head.ok()) {
        spdlog::warn("events: reading the outbox: {}", head.error().describe());
      }
      head_ = head.ok() ? *head : head_;
    }
    if (head_ >= 0) {
      admit(fresh);
    } else {
      std::lock_guard lock(mutex_);  // the store is down: try again next round
      pending_.insert(pending_.end(), fresh.begin(), fresh.end());
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= next_poll && head_ >= 0) {
      poll_once();
      next_poll = now + poll_;
    }
    if (now >= next_keepalive) {
      keepalive_all();
      next_keepalive = now + keepalive_;
    }
    std::lock_guard lock(mutex_);
    active_count_ = active_.size();
  }
}

void EventFeed::admit(std::vector<Entry>& fresh) {
  for (auto& e : fresh) {
    // Where this subscriber starts: after its Last-Event-ID (if that is one
    // of its stream's events), after the seq its caller read, or now.
    std::optional<int64_t> start;
    std::string stream_id = e.filter.stream_id;
    if (!e.filter.after_event_id.empty()) {
      auto from = repo_.find_event(e.filter.after_event_id);
      if (from.ok() && from->has_value() && !(*from)->stream_id.empty() &&
          (e.filter.stream_id.empty() ? (*from)->edge_id == e.filter.edge_id
                                      : (*from)->stream_id == e.filter.stream_id)) {
        start = (*from)->seq;
        stream_id = (*from)->stream_id;
      }
    }
    start = start ? start : e.filter.after_seq;
    if (!start) {
      auto now = repo_.last_event_seq();
      start = std::max(now.ok() ? *now : head_, head_);
    }
    e.last_seq = std::max(*start, head_);
    // What happened between its start and the last poll: the backlog.
    bool alive = true;
    if (*start < head_ && !stream_id.empty()) {
      auto backlog = repo_.events_after(stream_id, *start, kBatch);
      for (const auto& ev : backlog.ok() ? *backlog : std::vector<EventRecord>{}) {
        if (ev.seq > head_) {
          break;  // the next poll delivers it
        }
        alive = alive && e.subscriber->on_event(ev);
      }
    }
    if (alive) {
      active_.push_back(std::move(e));
    }
  }
}

void EventFeed::poll_once() {
  auto events = repo_.events_after("", head_, kBatch);
  if (!events.ok()) {
    spdlog::warn("events: reading the outbox: {}", events.error().describe());
    return;
  }
  for (const auto& ev : *events) {
    head_ = std::max(head_, ev.seq);
    std::erase_if(active_, [&](Entry& e) {
      if (!e.matches(ev) || ev.seq <= e.last_seq) {
        return false;
      }
      e.last_seq = ev.seq;
      return !e.subscriber->on_event(ev);
    });
  }
}

void EventFeed::keepalive_all() {
  std::erase_if(active_, [](Entry& e) { return !e.subscriber->on_keepalive(); });
}

bool StreamingSubscriber::on_event(const EventRecord& event) {
  auto frame = render_(event);
  return frame ? out_->write(*frame) : !out_->finished();
}

bool StreamingSubscriber::on_keepalive() {
  return out_->write(net::sse_comment("keep-alive"));
}

}  // namespace antcdn::store
