#include "package/track_packager.h"

#include <string>
#include <utility>
#include <vector>

#include "format/fmp4/init_segment.h"
#include "format/fmp4/media_segment.h"
#include "media/input_limits.h"

namespace antcdn::package {
namespace {

constexpr uint32_t kVideoTimescale = 90000;
constexpr int64_t kAacFrameSamples = 1024;
constexpr size_t kUnitOverheadBytes = sizeof(media::AccessUnit) + 32;  // + allocation header

size_t held_bytes(const media::AccessUnit& unit) {
  return unit.data.capacity() + kUnitOverheadBytes;
}

}  // namespace

TrackPackager::TrackPackager(media::TrackInfo track, TrackLimits limits)
    : track_(std::move(track)), output_(track_), limits_(limits) {
  if (track_.kind == media::MediaKind::Video) {
    output_.timescale = kVideoTimescale;
    output_.frame_rate = media::sane_frame_rate(track_.frame_rate);
    double fps = output_.frame_rate > 0 ? output_.frame_rate : 30.0;
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

Status TrackPackager::check_limits(const media::AccessUnit& unit) const {
  if (pending_.empty()) {
    return {};
  }
  std::string exceeded;
  if (unit.dts - pending_.front().unit.dts > limits_.max_pending_ms) {
    exceeded = std::to_string(limits_.max_pending_ms / 1000) + " s of media";
  } else if (pending_.size() >= limits_.max_pending_units) {
    exceeded = std::to_string(limits_.max_pending_units) + " frames";
  } else if (pending_bytes_ + held_bytes(unit) > limits_.max_pending_bytes) {
    exceeded = std::to_string(limits_.max_pending_bytes >> 20) + " MB";
  } else {
    return {};
  }
  return make_error(Code::ResourceExhausted,
                    std::string(track_.kind == media::MediaKind::Video ? "video" : "audio") +
                        " track: more than " + exceeded +
                        " waiting for a segment cut (no video keyframe to cut at)");
}

Status TrackPackager::push(media::AccessUnit&& unit) {
  if (track_.kind == media::MediaKind::Video && !seen_keyframe_) {
    if (!unit.keyframe) {
      return {};
    }
    seen_keyframe_ = true;
  }
  if (Status bounded = check_limits(unit); !bounded.ok()) {
    return bounded;
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
      return {};
    }
    if (next_audio_dts_ && std::abs(*next_audio_dts_ - p.out_dts) < kAacFrameSamples) {
      p.out_dts = *next_audio_dts_;
    }
    p.out_pts = p.out_dts;
    next_audio_dts_ = p.out_dts + kAacFrameSamples;
  }
  last_dts_ms_ = p.unit.dts;
  pending_bytes_ += held_bytes(p.unit);
  pending_.push_back(std::move(p));
  return {};
}

std::optional<int64_t> TrackPackager::pending_start_ms() const {
  if (pending_.empty()) {
    return std::nullopt;
  }
  return pending_.front().unit.dts;
}

size_t TrackPackager::count_below(int64_t boundary_ms) const {
  size_t count = 0;
  while (count < pending_.size() && pending_[count].unit.dts < boundary_ms) {
    ++count;
  }
  return count;
}

int64_t TrackPackager::end_at(int64_t boundary_ms, size_t count) const {
  return track_.kind == media::MediaKind::Audio && count > 0
             ? pending_[count - 1].out_dts + kAacFrameSamples
             : to_out(boundary_ms);
}

Result<std::optional<Segment>> TrackPackager::cut(int64_t boundary_ms) {
  size_t count = count_below(boundary_ms);
  return build(count, end_at(boundary_ms, count));
}

Result<std::optional<Segment>> TrackPackager::cut_all() {
  if (pending_.empty()) {
    return std::optional<Segment>();
  }
  return build(pending_.size(), pending_.back().out_dts + nominal_duration_);
}

Result<std::optional<Part>> TrackPackager::cut_part(int64_t boundary_ms) {
  size_t count = count_below(boundary_ms);
  return add_part(count, end_at(boundary_ms, count));
}

Result<std::optional<Part>> TrackPackager::cut_last_part() {
  if (pending_.empty()) {
    return std::optional<Part>();
  }
  return add_part(pending_.size(), pending_.back().out_dts + nominal_duration_);
}

Result<std::optional<Segment>> TrackPackager::build(size_t count, int64_t end_out_dts) {
  auto fragment = take(count, end_out_dts, true);
  if (!fragment.ok()) {
    return fragment.error();
  }
  if (!*fragment) {
    return std::optional<Segment>();
  }
  Fragment& f = **fragment;
  return std::optional<Segment>(Segment{.bytes = std::move(f.bytes),
                                        .start_ms = f.start_ms,
                                        .start_us = f.start_us,
                                        .duration_us = f.duration_us,
                                        .samples = f.samples});
}

Result<std::optional<Part>> TrackPackager::add_part(size_t count, int64_t end_out_dts) {
  auto fragment = take(count, end_out_dts, false);
  if (!fragment.ok()) {
    return fragment.error();
  }
  if (!*fragment) {
    return std::optional<Part>();
  }
  Fragment& f = **fragment;
  if (!open_segment_) {
    open_segment_ = Segment{
        .bytes = format::fmp4::write_styp(), .start_ms = f.start_ms, .start_us = f.start_us};
  }
  // The part is served on its own and again inside its segment: one copy.
  open_segment_->bytes.insert(open_segment_->bytes.end(), f.bytes.begin(), f.bytes.end());
  open_segment_->duration_us += f.duration_us;
  open_segment_->samples += f.samples;
  return std::optional<Part>(Part{.bytes = std::move(f.bytes),
                                  .start_us = f.start_us,
                                  .duration_us = f.duration_us,
                                  .independent = f.independent});
}

std::optional<Segment> TrackPackager::finish_segment() {
  return std::exchange(open_segment_, std::nullopt);
}

Result<std::optional<TrackPackager::Fragment>> TrackPackager::take(size_t count,
                                                                   int64_t end_out_dts, bool styp) {
  if (count == 0) {
    return std::optional<Fragment>();
  }
  std::vector<format::fmp4::Sample> samples;
  samples.reserve(count);
  Fragment f;
  f.start_ms = pending_.front().unit.dts;
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
  f.duration_us = span * 1000000 / output_.timescale;
  f.start_us = samples.front().dts * 1000000 / output_.timescale;
  f.samples = count;
  f.independent = track_.kind == media::MediaKind::Audio || samples.front().keyframe;
  auto track_id = static_cast<uint32_t>(output_.id);
  auto bytes = styp ? format::fmp4::write_media_segment(track_id, fragment_sequence_++, samples)
                    : format::fmp4::write_fragment(track_id, fragment_sequence_++, samples);
  if (!bytes.ok()) {
    return bytes.error();
  }
  f.bytes = std::move(*bytes);
  for (size_t i = 0; i < count; ++i) {
    pending_bytes_ -= held_bytes(pending_[i].unit);
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
  return std::optional<Fragment>(std::move(f));
}

}  // namespace antcdn::package
