#include "transcode/output_merger.h"

#include <limits>

namespace antcdn::transcode {

void OutputMerger::push_video(size_t index, media::AccessUnit&& unit) {
  video_[index].push_back(std::move(unit));
}

void OutputMerger::push_audio(media::AccessUnit&& unit) {
  audio_.push_back(std::move(unit));
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
