#pragma once

// Builds the media pipeline of one stream session (the sink ingest feeds): the
// packager directly for passthrough, the transcoder in front of it for the
// standard and high ladders.

#include <memory>

#include "lifecycle/session_control.h"
#include "lifecycle/supervisor.h"
#include "net/event_loop.h"
#include "storage/write_queue.h"

namespace antcdn::app {

class SessionPipelineFactory {
 public:
  SessionPipelineFactory(net::EventLoop& loop, storage::WriteQueue& writes, std::string record_dir,
                         std::string transcode_preset)
      : loop_(loop),
        writes_(writes),
        record_dir_(std::move(record_dir)),
        transcode_preset_(std::move(transcode_preset)) {}

  // The supervisor is created after the factory (it takes the factory), so the
  // packager's events are routed to it once it exists.
  void attach(lifecycle::Supervisor& supervisor) { supervisor_ = &supervisor; }

  std::shared_ptr<media::AccessUnitSink> make(const store::StreamRecord& stream);

 private:
  net::EventLoop& loop_;
  storage::WriteQueue& writes_;
  std::string record_dir_;
  std::string transcode_preset_;
  lifecycle::Supervisor* supervisor_ = nullptr;
};

}  // namespace antcdn::app
