#include "app/session_pipeline.h"

#include <spdlog/spdlog.h>

#include "app/access_unit_recorder.h"
#include "common/time_util.h"
#include "ingest/health/health_probe.h"
#include "package/stored_session.h"
#include "package/stream_packager.h"
#include "transcode/audio_converter.h"
#include "transcode/transcoder.h"

namespace antcdn::app {
namespace {

// Shares `pipeline` under a handle whose last release destroys it on `pool`.
std::shared_ptr<media::AccessUnitSink> released_on(
    net::BlockingPool& pool, std::shared_ptr<media::AccessUnitSink> pipeline) {
  media::AccessUnitSink* sink = pipeline.get();
  return {sink, [&pool, pipeline = std::move(pipeline)](media::AccessUnitSink*) mutable {
            pool.post([last = std::move(pipeline)]() mutable { last.reset(); });
          }};
}

}  // namespace

std::shared_ptr<record::Recorder> SessionPipelineFactory::start_recording(
    const store::StreamRecord& stream, bool continue_stored,
    const Result<std::vector<package::StoredRendition>>& stored) {
  if (recordings_ == nullptr) {
    return nullptr;
  }
  // One recording per pipeline, its reconnects included; a session taken over
  // from another node goes on in that node's recording (docs/recordings.md).
  if (continue_stored) {
    // Without readable live playlists there is nothing to check the other
    // node's checkpoint against: join() then fails that recording.
    std::vector<record::LiveTail> tails;
    if (stored.ok()) {
      for (const auto& r : *stored) {
        tails.push_back({.rendition = r.name, .kind = r.kind, .last_uri = r.playlist.last_uri()});
      }
    }
    if (auto joined = recordings_->join(stream, tails, stored_)) {
      return joined;
    }
  }
  return recordings_->begin(stream);
}

std::shared_ptr<media::AccessUnitSink> SessionPipelineFactory::make(
    const store::StreamRecord& stream, bool continue_stored) {
  std::string id = stream.stream_id;
  lifecycle::Supervisor* supervisor = supervisor_;
  // Failures and readiness arrive on storage or transcoder threads; the
  // supervisor posts them to its own.
  auto on_failed = [supervisor, id](const std::string& reason) {
    supervisor->fail_session(id, reason);
  };
  package::PackagerEvents events{
      .on_ready = [supervisor, id] { supervisor->on_segments_ready(id); }, .on_failed = on_failed};
  bool passthrough = stream.quality == media::Quality::Passthrough;
  package::PackagerOptions options{.edge_id = stream.edge_id, .passthrough = passthrough};
  // Read once per session: PATCH refuses a new latencyMode while on air.
  options.low_latency = stream.latency_mode == media::LatencyMode::Low;
  options.part_target_ms = part_target_ms_;
  Result<std::vector<package::StoredRendition>> stored =
      make_error(Code::NotFound, "not a session taken over");
  if (continue_stored) {
    // Runs on the lifecycle thread, which may block; an unreadable or ended
    // session is not continued: the stream starts afresh.
    stored = package::load_stored_session(stored_, stream.edge_id, options.window_segments);
  }
  if (auto recorder = start_recording(stream, continue_stored, stored)) {
    events.on_file = [recorder](const package::PackagedFile& f) {
      recorder->add(record::RecordedFile{.session = f.session,
                                         .rendition = f.rendition,
                                         .kind = f.kind,
                                         .file = f.file,
                                         .object = f.object,
                                         .duration_s = f.duration_s});
    };
    events.on_ended = [recorder](media::EndReason why) {
      switch (why) {
        case media::EndReason::Dropped:
          recorder->checkpoint();  // what another node taking the session over goes on from
          return;
        case media::EndReason::Abandoned:
          recorder->abandon();
          return;
        default:
          recorder->finish();
      }
    };
  }
  auto packager = std::make_shared<package::StreamPackager>(options, writes_, std::move(events));
  if (continue_stored) {
    Status continued =
        stored.ok() ? packager->continue_stored(std::move(*stored)) : Status(stored.error());
    if (!continued.ok()) {
      spdlog::warn("package: stream {}: not continuing the stored playlists: {}", id,
                   continued.error().describe());
    }
  }
  // Audio that players cannot take is converted to AAC, for every quality: on
  // the transcoder's worker when there is one (it costs ~0.3 ms of CPU per
  // frame), else on the thread that feeds the pipeline.
  std::shared_ptr<media::AccessUnitSink> pipeline = std::make_shared<transcode::AudioConverter>(
      transcode::AudioConverterOptions{.stream_label = id, .on_failed = on_failed},
      std::move(packager));
  // The stream's health is measured on what ingest delivers; the board keeps
  // the meter as long as this pipeline does.
  auto meter = health_ != nullptr ? health_->start(id) : nullptr;
  std::function<void()> on_gop_shed;
  if (meter) {
    on_gop_shed = [meter] { meter->on_gop_shed(unix_now_ms()); };
  }
  if (!passthrough) {
    pipeline = std::make_shared<transcode::Transcoder>(
        transcode::TranscoderOptions{.quality = stream.quality,
                                     .preset = transcode_preset_,
                                     .low_latency = options.low_latency,
                                     .stream_label = id,
                                     .on_failed = on_failed,
                                     .metrics = transcode_metrics_,
                                     .on_gop_shed = std::move(on_gop_shed)},
        std::move(pipeline));
  }
  if (!record_dir_.empty()) {
    pipeline = std::make_shared<AccessUnitRecorder>(record_dir_, id, std::move(pipeline));
  }
  if (meter) {
    pipeline = std::make_shared<ingest::health::HealthProbe>(meter, std::move(pipeline));
  }
  return released_on(teardown_, std::move(pipeline));
}

}  // namespace antcdn::app
