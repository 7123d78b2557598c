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
  // One recording per pipeline: its reconnects stay in it; a session taken
  // over from another node starts a new one (docs/recordings.md).
  if (auto recorder = recordings_ != nullptr ? recordings_->begin(stream) : nullptr) {
    events.on_file = [recorder](const package::PackagedFile& f) {
      recorder->add(record::RecordedFile{.session = f.session,
                                         .rendition = f.rendition,
                                         .kind = f.kind,
                                         .file = f.file,
                                         .object = f.object,
                                         .duration_s = f.duration_s});
    };
    events.on_ended = [recorder](media::EndReason) { recorder->finish(); };
  }
  bool passthrough = stream.quality == media::Quality::Passthrough;
  package::PackagerOptions options{.edge_id = stream.edge_id, .passthrough = passthrough};
  // Read once per session: PATCH refuses a new latencyMode while on air.
  options.low_latency = stream.latency_mode == media::LatencyMode::Low;
  options.part_target_ms = part_target_ms_;
  auto packager = std::make_shared<package::StreamPackager>(options, writes_, std::move(events));
  if (continue_stored) {
    // Runs on the lifecycle thread, which may block; an unreadable or ended
    // session is not continued: the stream starts afresh.
    auto stored = package::load_stored_session(stored_, stream.edge_id, options.window_segments);
    Status continued = stored.ok() ? Status{} : Status(stored.error());
    if (continued.ok()) {
      continued = packager->continue_stored(std::move(*stored));
    }
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
