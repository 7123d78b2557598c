#include "app/session_pipeline.h"

#include "app/access_unit_recorder.h"
#include "package/stream_packager.h"

namespace antcdn::app {
namespace {

// Feeds two sinks: the packager, and the debugging recorder when enabled.
class Tee final : public media::AccessUnitSink {
 public:
  Tee(std::shared_ptr<media::AccessUnitSink> a, std::shared_ptr<media::AccessUnitSink> b)
      : a_(std::move(a)), b_(std::move(b)) {}
  void on_tracks(const std::vector<media::TrackInfo>& tracks) override {
    a_->on_tracks(tracks);
    b_->on_tracks(tracks);
  }
  void on_access_unit(const media::AccessUnit& unit) override {
    a_->on_access_unit(unit);
    b_->on_access_unit(unit);
  }
  void on_end(media::EndReason reason) override {
    a_->on_end(reason);
    b_->on_end(reason);
  }

 private:
  std::shared_ptr<media::AccessUnitSink> a_;
  std::shared_ptr<media::AccessUnitSink> b_;
};

}  // namespace

std::shared_ptr<media::AccessUnitSink> SessionPipelineFactory::make(
    const store::StreamRecord& stream) {
  std::string id = stream.stream_id;
  net::EventLoop& loop = loop_;
  lifecycle::Supervisor* supervisor = supervisor_;
  package::PackagerEvents events{
      // Both arrive on a storage thread; the supervisor lives on the loop.
      .on_ready = [&loop, supervisor, id] {
        loop.post([supervisor, id] { supervisor->on_segments_ready(id); });
      },
      .on_failed = [&loop, supervisor, id](const std::string& reason) {
        loop.post([supervisor, id, reason] { supervisor->fail_session(id, reason); });
      }};
  // Until the transcoder lands every quality is packaged as the source.
  package::PackagerOptions options{.edge_id = stream.edge_id, .passthrough = true};
  auto packager = std::make_shared<package::StreamPackager>(options, writes_, std::move(events));
  if (record_dir_.empty()) {
    return packager;
  }
  return std::make_shared<Tee>(packager,
                               std::make_shared<AccessUnitRecorder>(record_dir_, id));
}

}  // namespace antcdn::app
