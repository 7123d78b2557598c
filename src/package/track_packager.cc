#include "package/track_packager.h"

#include <vector>

#include "format/fmp4/init_segment.h"
#include "format/fmp4/media_segment.h"

namespace antcdn::package {
namespace {

constexpr uint32_t kVideoTimescale = 90000;
constexpr int64_t kAacFrameSamples = 1024;

}  // namespace

TrackPackager::TrackPackager(media::TrackInfo track) : track_(std::move(track)), output_(track_) {
  if (track_.kind == media::MediaKind::Video) {
    output_.timescale = kVideoTimescale;
    double fps = track_.frame_rate > 0 ? track_.frame_rate : 30.0;
    nominal_duration_ = static_cast<int64_t>(kVideoTimescale / fps);
  } else {
    output_.timescale = static_cast<uint32_t>(track_.sample_rate > 0 ? track_.sample_rate : 48000);
    nominal_duration_ = kAacFrameSamples;
  }
}

Result<Bytes> TrackPackager::init_segment() const {
  return format::fmp4::write_init_segment(output_);
}

int64_t TrackPackager::to_out(int64_t t) const {
  // Exact for the ms -> 90 kHz / 48 kHz cases; rounds otherwise.
  return (t * static_cast<int64_t>(output_.timescale) + track_.timescale / 2) /
         static_cast<int64_t>(track_.timescale);
}

int64_t TrackPackager::media_time_us(const media::AccessUnit& unit) const {
  return to_out(unit.dts) * 1000000 / output_.timescale;
}

void TrackPackager::push(media::AccessUnit&& unit) {
  if (track_.kind == media::MediaKind::Video && !seen_keyframe_) {
    if (!unit.keyframe) {
      return;
    }
    seen_keyframe_ = true;
  }
  const int64_t out_dts = to_out(unit.dts);
  const int64_t out_pts = to_out(unit.pts);
  Pending p{std::move(unit), out_dts, out_pts};
  if (track_.kind == media::MediaKind::Audio) {
    if (next_audio_dts_ && p.out_dts <= *next_audio_dts_ - kAacFrameSamples) {
      // Audio that overlaps what was already sent (e.g. a looped file whose
      // audio ran past its video restarts a frame early): time cannot go back
      // in a track, and moving it would shift sync, so the overlap is dropped.
      ++dropped_audio_frames_;
      return;
    }
    if (next_audio_dts_ && std::abs(*next_audio_dts_ - p.out_dts) < kAacFrameSamples) {
      p.out_dts = *next_audio_dts_;
    }
    p.out_pts = p.out_dts;
    next_audio_dts_ = p.out_dts + kAacFrameSamples;
  }
  last_dts_ms_ = p.unit.dts;
  pending_.push_back(std::move(p));
}

std::optional<int64_t> TrackPackager::pending_start_ms() const {
  if (pending_.empty()) {
    return std::nullopt;
  }
  return pending_.front().unit.dts;
}

Result<std::optional<Segment>> TrackPackager::cut(int64_t boundary_ms) {
  size_t count = 0;
  while (count < pending_.size() && pending_[count].unit.dts < boundary_ms) {
    ++count;
  }
  int64_t end = track_.kind == media::MediaKind::Audio && count > 0
                    ? pending_[count - 1].out_dts + kAacFrameSamples
                    : to_out(boundary_ms);
  return build(count, end);
}

Result<std::optional<Segment>> TrackPackager::cut_all() {
  if (pending_.empty()) {
    return std::optional<Segment>();
  }
  return build(pending_.size(), pending_.back().out_dts + nominal_duration_);
}

Result<std::optional<Segment>> TrackPackager::build(size_t count, int64_t end_out_dts) {
  if (count == 0) {
    return std::optional<Segment>();
  }
  std::vector<format::fmp4::Sample> samples;
  samples.reserve(count);
  Segment seg;
  seg.start_ms = pending_.front().unit.dts;
  for (size_t i = 0; i < count; ++i) {
    const Pending& p = pending_[i];
    int64_t next = i + 1 < count ? pending_[i + 1].out_dts : end_out_dts;
    int64_t duration = std::max<int64_t>(1, next - p.out_dts);
    samples.push_back(format::fmp4::Sample{.dts = p.out_dts,
                                           .pts = p.out_pts,
                                           .duration = static_cast<uint32_t>(duration),
                                           .keyframe = p.unit.keyframe,
                                           .data = p.unit.data});
  }
  int64_t span = samples.back().dts + samples.back().duration - samples.front().dts;
  seg.duration_us = span * 1000000 / output_.timescale;
  seg.start_us = samples.front().dts * 1000000 / output_.timescale;
  seg.samples = count;
  auto bytes = format::fmp4::write_media_segment(static_cast<uint32_t>(output_.id),
                                                 fragment_sequence_++, samples);
  if (!bytes.ok()) {
    return bytes.error();
  }
  seg.bytes = std::move(*bytes);
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
  return std::optional<Segment>(std::move(seg));
}

}  // namespace antcdn::package
