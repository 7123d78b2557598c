#pragma once

// Builds the media pipeline of one stream session (the sink ingest feeds): the
// packager behind the audio converter (MP3 and other audio to AAC), directly
// for passthrough, or behind the transcoder for the standard and high ladders
// (so that the conversion runs on the transcoder's worker).

#include <cstdint>
#include <memory>

#include "ingest/health/health_board.h"
#include "lifecycle/supervisor.h"
#include "net/blocking_pool.h"
#include "package/stored_session.h"
#include "record/recording_service.h"
#include "storage/write_queue.h"
#include "transcode/transcode_metrics.h"

namespace antcdn::app {

class SessionPipelineFactory {
 public:
  // The last reference to a pipeline is dropped on `teardown`: destroying a
  // transcoder joins its worker after it flushed the encoders, which must
  // never happen on an event loop.
  // `stored` is read when a session is taken over from another node: the
  // origin (disk or bucket), not this node's cache, which may hold this
  // node's older versions of what the other node rewrote since.
  SessionPipelineFactory(storage::ObjectStore& stored, storage::WriteQueue& writes,
                         net::BlockingPool& teardown, std::string record_dir,
                         std::string transcode_preset, int64_t part_target_ms,
                         transcode::TranscodeMetrics* transcode_metrics = nullptr,
                         ingest::health::HealthBoard* health = nullptr)
      : stored_(stored),
        writes_(writes),
        teardown_(teardown),
        record_dir_(std::move(record_dir)),
        transcode_preset_(std::move(transcode_preset)),
        part_target_ms_(part_target_ms),
        transcode_metrics_(transcode_metrics),
        health_(health) {}

  // The supervisor is created after the factory (it takes the factory), so the
  // packager's events are routed to it once it exists.
  void attach(lifecycle::Supervisor& supervisor) { supervisor_ = &supervisor; }
  // Sessions of streams with recording enabled are recorded (src/record).
  void record_with(record::RecordingService& recordings) { recordings_ = &recordings; }

  // `continue_stored`: the session was taken over from another node; its
  // stored playlists go on. Reads them from storage (a thread that may block).
  std::shared_ptr<media::AccessUnitSink> make(const store::StreamRecord& stream,
                                              bool continue_stored);

 private:
  // The recorder of a new pipeline: the taken-over session's recording
  // (joined) or a new one; null when the stream is not recorded.
  std::shared_ptr<record::Recorder> start_recording(
      const store::StreamRecord& stream, bool continue_stored,
      const Result<std::vector<package::StoredRendition>>& stored);

  storage::ObjectStore& stored_;
  storage::WriteQueue& writes_;
  net::BlockingPool& teardown_;
  std::string record_dir_;
  std::string transcode_preset_;
  int64_t part_target_ms_;  // --part-duration-ms, for latencyMode "low" streams
  transcode::TranscodeMetrics* transcode_metrics_;  // borrowed; may be null
  ingest::health::HealthBoard* health_;             // borrowed; may be null
  lifecycle::Supervisor* supervisor_ = nullptr;
  record::RecordingService* recordings_ = nullptr;
};

}  // namespace antcdn::app
