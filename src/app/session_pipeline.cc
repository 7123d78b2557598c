#include "app/session_pipeline.h"

#include "app/access_unit_recorder.h"
#include "package/stream_packager.h"
#include "transcode/transcoder.h"

namespace antcdn::app {

std::shared_ptr<media::AccessUnitSink> SessionPipelineFactory::make(
    const store::StreamRecord& stream) {
  std::string id = stream.stream_id;
  net::EventLoop& loop = loop_;
  lifecycle::Supervisor* supervisor = supervisor_;
  // Failures and readiness arrive on storage or transcoder threads; the
  // supervisor lives on the loop.
  auto on_failed = [&loop, supervisor, id](const std::string& reason) {
    loop.post([supervisor, id, reason] { supervisor->fail_session(id, reason); });
  };
  package::PackagerEvents events{
      .on_ready = [&loop, supervisor,
                   id] { loop.post([supervisor, id] { supervisor->on_segments_ready(id); }); },
      .on_failed = on_failed};
  bool passthrough = stream.quality == media::Quality::Passthrough;
  package::PackagerOptions options{.edge_id = stream.edge_id, .passthrough = passthrough};
  std::shared_ptr<media::AccessUnitSink> pipeline =
      std::make_shared<package::StreamPackager>(options, writes_, std::move(events));
  if (!passthrough) {
    pipeline = std::make_shared<transcode::Transcoder>(
        transcode::TranscoderOptions{.quality = stream.quality,
                                     .preset = transcode_preset_,
                                     .stream_label = id,
                                     .on_failed = on_failed},
        std::move(pipeline));
  }
  if (record_dir_.empty()) {
    return pipeline;
  }
  return std::make_shared<AccessUnitRecorder>(record_dir_, id, std::move(pipeline));
}

}  // namespace antcdn::app
