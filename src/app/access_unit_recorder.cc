#include "app/access_unit_recorder.h"

#include <array>

#include <fmt/format.h>

#include "common/crypto.h"

namespace antcdn::app {

AccessUnitRecorder::AccessUnitRecorder(const std::string& dir, const std::string& stream_id,
                                       std::shared_ptr<media::AccessUnitSink> next)
    : file_(std::fopen((dir + "/" + stream_id + ".jsonl").c_str(), "a")), next_(std::move(next)) {}

AccessUnitRecorder::~AccessUnitRecorder() = default;

void AccessUnitRecorder::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  if (file_) {
    for (const auto& t : tracks) {
      fmt::print(file_.get(),
                 "{{\"event\":\"track\",\"id\":{},\"kind\":\"{}\",\"timescale\":{},\"width\":{},"
                 "\"height\":{},\"sampleRate\":{},\"channels\":{},\"config\":\"{}\"}}\n",
                 t.id, t.kind == media::MediaKind::Video ? "video" : "audio", t.timescale, t.width,
                 t.height, t.sample_rate, t.channels, crypto::hex(t.codec_config));
    }
    std::fflush(file_.get());
  }
  next_->on_tracks(tracks);
}

void AccessUnitRecorder::on_access_unit(media::AccessUnit&& u) {
  if (file_) {
    fmt::print(file_.get(),
               "{{\"event\":\"au\",\"track\":{},\"dts\":{},\"pts\":{},\"key\":{},\"size\":{}}}\n",
               u.track_id, u.dts, u.pts, u.keyframe, u.data.size());
  }
  next_->on_access_unit(std::move(u));
}

void AccessUnitRecorder::on_end(media::EndReason reason) {
  if (file_) {
    static constexpr std::array<const char*, 4> kNames = {"clean", "dropped", "killed", "failed"};
    fmt::print(file_.get(), "{{\"event\":\"end\",\"reason\":\"{}\"}}\n",
               kNames[static_cast<int>(reason)]);
    std::fflush(file_.get());
  }
  next_->on_end(reason);
}

}  // namespace antcdn::app
