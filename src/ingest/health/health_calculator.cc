#include "ingest/health/health_calculator.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "format/hls/track_codec.h"

namespace antcdn::ingest::health {
namespace {

int64_t to_ms(int64_t ticks, uint32_t timescale) {
  return timescale == 1000 || timescale == 0 ? ticks : ticks * 1000 / timescale;
}

void add_reason(std::string& reasons, const std::string& reason) {
  if (!reasons.empty()) {
    reasons += "; ";
  }
  reasons += reason;
}

}  // namespace

void HealthCalculator::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  video_ = {};
  audio_ = {};
  first_arrival_ms_.reset();
  last_key_dts_ms_.reset();
  last_key_gap_ms_.reset();
  for (const auto& t : tracks) {
    Track& track = t.kind == media::MediaKind::Video ? video_ : audio_;
    track.id = t.id;
    track.timescale = t.timescale;
    if (t.kind == media::MediaKind::Video) {
      width_ = t.width;
      height_ = t.height;
      announced_fps_ = t.frame_rate;
      video_codec_ = format::hls::track_codec(t);
    } else {
      audio_codec_ = format::hls::track_codec(t);
    }
  }
}

void HealthCalculator::on_unit(const media::AccessUnit& unit) {
  first_arrival_ms_ = first_arrival_ms_.value_or(unit.arrival_unix_ms);
  if (unit.track_id == video_.id) {
    remember(video_, unit);
    last_video_dts_ms_ = to_ms(unit.dts, video_.timescale);
    if (unit.keyframe) {
      note_keyframe(last_video_dts_ms_);
    }
  } else if (unit.track_id == audio_.id) {
    remember(audio_, unit);
  }
}

void HealthCalculator::remember(Track& track, const media::AccessUnit& unit) {
  track.last_arrival_ms = unit.arrival_unix_ms;
  track.samples.push_back(
      {unit.arrival_unix_ms, to_ms(unit.dts, track.timescale), unit.data.size()});
  const int64_t oldest = unit.arrival_unix_ms - rules_.window_ms;
  while (!track.samples.empty() && (track.samples.front().arrival_ms <= oldest ||
                                    track.samples.size() > rules_.max_samples)) {
    track.samples.pop_front();
  }
}

void HealthCalculator::note_keyframe(int64_t dts_ms) {
  if (last_key_dts_ms_ && dts_ms > *last_key_dts_ms_) {
    last_key_gap_ms_ = dts_ms - *last_key_dts_ms_;
  }
  last_key_dts_ms_ = dts_ms;
}

void HealthCalculator::on_gop_shed(int64_t now_ms) {
  ++dropped_gops_;
  last_shed_ms_ = now_ms;
}

// The gap between the last two keyframes, or the one still open when it is
// already longer (an encoder that stopped sending keyframes shows it).
std::optional<double> HealthCalculator::keyframe_interval_s() const {
  if (!last_key_dts_ms_) {
    return std::nullopt;
  }
  int64_t open = last_video_dts_ms_ - *last_key_dts_ms_;
  int64_t gap = std::max(last_key_gap_ms_.value_or(0), open);
  bool known = last_key_gap_ms_ || open > rules_.max_keyframe_interval_s * 1000;
  if (!known) {
    return std::nullopt;
  }
  return static_cast<double>(gap) / 1000.0;
}

HealthCalculator::WindowFigures HealthCalculator::figures(const Track& track,
                                                          int64_t now_ms) const {
  WindowFigures f;
  std::optional<int64_t> first_dts;
  int64_t last_dts = 0;
  int64_t first_arrival = 0;
  int64_t last_arrival = 0;
  for (const Sample& s : track.samples) {
    if (s.arrival_ms <= now_ms - rules_.window_ms || s.arrival_ms > now_ms) {
      continue;
    }
    f.bytes += s.bytes;
    ++f.count;
    if (!first_dts) {
      first_dts = s.dts_ms;
      first_arrival = s.arrival_ms;
    }
    last_dts = s.dts_ms;
    last_arrival = s.arrival_ms;
  }
  f.media_span_ms = first_dts ? last_dts - *first_dts : 0;
  f.arrival_span_ms = last_arrival - first_arrival;
  return f;
}

media::StreamHealth HealthCalculator::snapshot(int64_t now_ms) const {
  media::StreamHealth h;
  h.width = width_;
  h.height = height_;
  h.video_codec = video_codec_;
  h.audio_codec = audio_codec_;
  h.dropped_gops = dropped_gops_;
  h.keyframe_interval_s = keyframe_interval_s();
  for (const Track* t : {&video_, &audio_}) {
    if (t->last_arrival_ms) {
      h.last_frame_at_ms = std::max(h.last_frame_at_ms.value_or(0), *t->last_arrival_ms);
    }
  }
  WindowFigures video = figures(video_, now_ms);
  WindowFigures audio = figures(audio_, now_ms);
  int64_t measured_ms =
      first_arrival_ms_ ? std::min(rules_.window_ms, now_ms - *first_arrival_ms_) : 0;
  if (measured_ms > 0) {
    // bits per millisecond = kbit/s
    h.video_bitrate_kbps = static_cast<int64_t>(video.bytes * 8 / static_cast<size_t>(measured_ms));
    h.audio_bitrate_kbps = static_cast<int64_t>(audio.bytes * 8 / static_cast<size_t>(measured_ms));
    h.fps =
        std::round(static_cast<double>(video.count) * 10000.0 / static_cast<double>(measured_ms)) /
        10.0;
  }
  judge(h, now_ms, video, audio);
  return h;
}

void HealthCalculator::judge(media::StreamHealth& h, int64_t now_ms, const WindowFigures& video,
                             const WindowFigures& audio) const {
  std::string starving;
  std::string degraded;
  const bool full_window = first_arrival_ms_ && now_ms - *first_arrival_ms_ >= rules_.window_ms;
  if (!h.last_frame_at_ms) {
    starving = "no media yet";
  } else if (now_ms - *h.last_frame_at_ms > rules_.starving_after_ms) {
    starving = fmt::format("no media for {:.1f} s", (now_ms - *h.last_frame_at_ms) / 1000.0);
  } else if (full_window) {
    // Media time against the wall time it took to arrive, on the track that
    // has more units (a pause shorter than starving_after_ms is not counted).
    const WindowFigures& lead = video.count >= audio.count ? video : audio;
    if (lead.arrival_span_ms >= rules_.window_ms / 2) {
      double ratio =
          static_cast<double>(lead.media_span_ms) / static_cast<double>(lead.arrival_span_ms);
      if (ratio < rules_.min_realtime_ratio) {
        starving = fmt::format("input slower than real time ({:.2f}x)", ratio);
      }
    }
  }
  if (last_shed_ms_ && now_ms - *last_shed_ms_ <= rules_.shed_recent_ms) {
    add_reason(degraded, "the transcoder is shedding video (cannot keep up)");
  }
  if (h.keyframe_interval_s && *h.keyframe_interval_s > rules_.max_keyframe_interval_s) {
    add_reason(degraded, fmt::format("keyframes every {:.1f} s (at most {:.0f} s recommended)",
                                     *h.keyframe_interval_s, rules_.max_keyframe_interval_s));
  }
  if (video_.id >= 0 && starving.empty()) {
    if (!video_.last_arrival_ms || now_ms - *video_.last_arrival_ms > rules_.starving_after_ms) {
      add_reason(degraded, "no video while audio arrives");
    } else if (full_window && announced_fps_ > 0 && h.fps < announced_fps_ * rules_.min_fps_ratio) {
      add_reason(degraded,
                 fmt::format("{:.1f} fps of the {:.1f} announced", h.fps, announced_fps_));
    }
  }
  if (!starving.empty()) {
    h.status = media::HealthStatus::Starving;
    h.reason = starving;
  } else if (!degraded.empty()) {
    h.status = media::HealthStatus::Degraded;
    h.reason = degraded;
  } else {
    h.status = media::HealthStatus::Healthy;
  }
}

}  // namespace antcdn::ingest::health
