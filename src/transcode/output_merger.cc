#include "transcode/output_merger.h"

#include <limits>
#include <string>

namespace antcdn::transcode {

Status OutputMerger::push_video(size_t index, media::AccessUnit&& unit) {
  if (video_[index].size() >= limits_.max_video_lead) {
    return make_error(Code::ResourceExhausted,
                      "a rendition ran " + std::to_string(limits_.max_video_lead) +
                          " frames ahead of another (an encoder stopped producing)");
  }
  video_[index].push_back(std::move(unit));
  return {};
}

Status OutputMerger::push_audio(media::AccessUnit&& unit) {
  if (audio_.size() >= limits_.max_held_audio ||
      (!audio_.empty() && unit.dts - audio_.front().dts > limits_.max_audio_wait_ms)) {
    return make_error(Code::ResourceExhausted,
                      "no transcoded video for " +
                          std::to_string(limits_.max_audio_wait_ms / 1000) +
                          " s of audio (the video does not decode)");
  }
  audio_.push_back(std::move(unit));
  return {};
}

void OutputMerger::release_audio_until(int64_t dts, const Emit& emit) {
  while (!audio_.empty() && audio_.front().dts <= dts) {
    media::AccessUnit unit = std::move(audio_.front());
    audio_.pop_front();
    emit(std::move(unit));
  }
}

void OutputMerger::release(const Emit& emit) {
  drain(true, emit);
}

void OutputMerger::flush(const Emit& emit) {
  drain(false, emit);
  release_audio_until(std::numeric_limits<int64_t>::max(), emit);
}

void OutputMerger::drain(bool until_a_rendition_is_empty, const Emit& emit) {
  while (true) {
    size_t best = video_.size();
    for (size_t i = 0; i < video_.size(); ++i) {
      if (video_[i].empty()) {
        if (until_a_rendition_is_empty) {
          return;  // that rendition has not caught up yet
        }
        continue;
      }
      if (best == video_.size() || video_[i].front().dts < video_[best].front().dts) {
        best = i;
      }
    }
    if (best == video_.size()) {
      return;
    }
    release_audio_until(video_[best].front().dts, emit);
    media::AccessUnit unit = std::move(video_[best].front());
    video_[best].pop_front();
    emit(std::move(unit));
  }
}

}  // namespace antcdn::transcode
