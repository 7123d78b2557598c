#pragma once

// Live event feeds (server-sent events): one thread polls the outbox for new
// events every `poll` (0.5 s) and hands each to the subscribers of its stream.
// Polling the table, not a notification from this node's writes, because the
// event may have been written by any node sharing the database; one query per
// poll serves every subscriber. Subscribing never blocks (the event loops
// call it): the feed's thread resolves Last-Event-ID and reads the backlog.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/response_stream.h"
#include "store/webhook_repository.h"

namespace antcdn::store {

class FeedSubscriber {
 public:
  virtual ~FeedSubscriber() = default;
  // False: the subscriber is gone (its client left); it is dropped.
  virtual bool on_event(const EventRecord& event) = 0;
  // Every keep-alive period, so that proxies keep the connection and a client
  // that left is noticed. False: dropped.
  virtual bool on_keepalive() = 0;
  // The feed stops (shutdown).
  virtual void on_close() = 0;
};

struct FeedFilter {
  std::string stream_id;  // or:
  std::string edge_id;
  // Resume after this event (Last-Event-ID) if it is one of this stream's;
  // otherwise the feed starts after `after_seq` when set (the caller read
  // last_event_seq() when the client came), else with the next event written
  // after the subscriber is admitted.
  std::string after_event_id;
  std::optional<int64_t> after_seq;
};

class EventFeed {
 public:
  EventFeed(WebhookRepository& repo, std::chrono::milliseconds poll,
            std::chrono::milliseconds keepalive);
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  void start();
  // Closes every subscriber and joins the thread.
  void stop();
  // Never blocks.
  void subscribe(FeedFilter filter, std::shared_ptr<FeedSubscriber> subscriber);
  size_t subscribers() const;

 private:
  struct Entry {
    FeedFilter filter;
    std::shared_ptr<FeedSubscriber> subscriber;
    int64_t last_seq = 0;
    bool matches(const EventRecord& e) const {
      return filter.stream_id.empty() ? e.edge_id == filter.edge_id
                                      : e.stream_id == filter.stream_id;
    }
  };
  void run();
  // The feed thread: where a new subscriber starts, and its backlog.
  void admit(std::vector<Entry>& fresh);
  void poll_once();
  void keepalive_all();

  WebhookRepository& repo_;
  const std::chrono::milliseconds poll_;
  const std::chrono::milliseconds keepalive_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<Entry> pending_;  // subscribed, not yet admitted (under mutex_)
  std::vector<Entry> active_;   // the feed thread's own
  size_t active_count_ = 0;     // active_.size(), readable under mutex_
  int64_t head_ = -1;           // the newest seq seen; -1 until read
  std::thread thread_;
};

// A subscriber that frames each event as server-sent events into a
// response stream; `render` gives the frame (nullopt: this event is skipped).
class StreamingSubscriber final : public FeedSubscriber {
 public:
  using Render = std::function<std::optional<std::string>(const EventRecord&)>;
  StreamingSubscriber(std::shared_ptr<net::ResponseStream> out, Render render)
      : out_(std::move(out)), render_(std::move(render)) {}
  bool on_event(const EventRecord& event) override;
  bool on_keepalive() override;
  void on_close() override { out_->close(); }

 private:
  std::shared_ptr<net::ResponseStream> out_;
  Render render_;
};

}  // namespace antcdn::store
