#include "package/stream_packager.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/crypto.h"
#include "common/ids.h"
#include "common/time_util.h"
#include "format/hls/master_playlist.h"
#include "format/hls/track_codec.h"

namespace antcdn::package {
namespace {

constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";
constexpr std::string_view kPlaylistCache = "public, max-age=1";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// A part's audio may run up to one AAC frame (21.3 ms at 48 kHz) past its video
// boundary; video parts stop this much short of the target so that no part of
// any rendition is longer than PART-TARGET (RFC 8216bis 4.4.4.9).
constexpr int64_t kAudioFrameSlackMs = 22;

std::string new_session_name() {
  return ids::base32(crypto::random_bytes(5));
}

// "{session}-{seq}.{part}.m4s": the next part of the segment being built.
std::string part_name(const std::string& session, const PlaylistState& playlist) {
  return session + "-" + std::to_string(playlist.next_sequence()) + "." +
         std::to_string(playlist.partial_parts()) + ".m4s";
}

// A later packager of the same stream claimed it (WriteQueue::claim).
bool is_superseded(const Status& s) {
  return !s.ok() && s.error().code == Code::Conflict;
}

}  // namespace

// Counts the writes a session needs before it is playable; fires once.
struct StreamPackager::ReadyLatch {
  std::atomic<int> remaining{0};
  std::function<void()> fire;
  void done() {
    if (remaining.fetch_sub(1) == 1 && fire) {
      fire();
    }
  }
};

StreamPackager::StreamPackager(PackagerOptions options, storage::ObjectWriter& writes,
                               PackagerEvents events)
    : options_(std::move(options)),
      writes_(writes),
      events_(std::move(events)),
      failed_(std::make_shared<std::atomic<bool>>(false)) {}

StreamPackager::~StreamPackager() {
  if (!ended_) {
    on_end(media::EndReason::Killed);
  }
}

std::string StreamPackager::key(const Rendition& r, const std::string& file) const {
  return options_.edge_id + "/" + r.name + "/" + file;
}

Status StreamPackager::continue_stored(std::vector<StoredRendition>&& stored) {
  if (!session_.empty() || !renditions_.empty()) {
    return make_error(Code::Conflict, "package: stored playlists come before the first session");
  }
  if (stored.empty()) {
    return make_error(Code::InvalidArgument, "package: no stored playlists to continue");
  }
  for (const auto& s : stored) {
    if (s.playlist.ended()) {
      return make_error(Code::Conflict, "package: stored playlist " + s.name + " has ended");
    }
  }
  for (auto& s : stored) {
    renditions_.push_back(
        Rendition{.name = std::move(s.name), .kind = s.kind, .playlist = std::move(s.playlist)});
    if (options_.low_latency) {
      renditions_.back().playlist.set_low_latency(static_cast<double>(options_.part_target_ms) /
                                                  1000);
    }
  }
  spdlog::info("package: edge={} continues {} stored playlists", options_.edge_id,
               renditions_.size());
  return {};
}

void StreamPackager::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  // Renditions before a session are a reconnect's, or stored ones to continue.
  bool resuming = !renditions_.empty();
  if (!stream_) {
    // From here on this packager owns the stream's objects: what an earlier
    // packager of it still has queued (an ENDLIST playlist, a retrying upload)
    // is dropped, and its later writes are refused, so they cannot land over ours.
    stream_ = writes_.claim(options_.edge_id + "/");
  }
  if (!resuming) {
    // A new session replaces the previous one's objects (its last window, and
    // renditions a changed quality no longer has). The queue is FIFO, so this
    // runs before any object of the new session is written.
    (void)stream_->remove_prefix(options_.edge_id + "/", {});
  }
  session_ = new_session_name();
  pdt_anchor_.reset();  // re-anchored by the new session's first frame
  by_track_.clear();
  lead_track_ = -1;
  segment_start_ms_.reset();
  part_start_ms_.reset();
  last_lead_dts_.reset();
  paused_ = false;
  master_complete_ = false;
  last_master_.clear();
  for (auto& r : renditions_) {
    r.track.reset();
    r.counted_for_ready = false;
    r.segment_in_session = false;
  }
  // A rendition is matched by kind and order, so a reconnect continues the
  // same playlists even if the encoder's settings changed.
  size_t video_seen = 0;
  size_t audio_seen = 0;
  int renditions_in_session = 0;
  for (const auto& t : tracks) {
    size_t& seen = t.kind == media::MediaKind::Video ? video_seen : audio_seen;
    size_t match = renditions_.size();
    for (size_t i = 0, n = 0; i < renditions_.size(); ++i) {
      if (renditions_[i].kind == t.kind && n++ == seen) {
        match = i;
        break;
      }
    }
    ++seen;
    if (match == renditions_.size()) {
      Rendition r{.playlist = PlaylistState(options_.window_segments)};
      if (options_.low_latency) {
        r.playlist.set_low_latency(static_cast<double>(options_.part_target_ms) / 1000);
      }
      r.kind = t.kind;
      r.name = t.kind == media::MediaKind::Audio ? "audio"
               : options_.passthrough            ? "source"
                                                 : std::to_string(t.height) + "p";
      renditions_.push_back(std::move(r));
    } else if (resuming) {
      renditions_[match].playlist.mark_discontinuity();
    }
    Rendition& r = renditions_[match];
    r.track = std::make_unique<TrackPackager>(t);
    r.init_uri = "init-" + session_ + ".mp4";
    by_track_[t.id] = match;
    if (t.kind == media::MediaKind::Video && lead_track_ < 0) {
      lead_track_ = t.id;
    }
    ++renditions_in_session;
  }
  ready_ = std::make_shared<ReadyLatch>();
  ready_->remaining = renditions_in_session + 1;  // + the master playlist
  ready_->fire = events_.on_ready;
  for (auto& r : renditions_) {
    if (!r.track) {
      continue;
    }
    auto init = r.track->init_segment();
    if (!init.ok()) {
      fail("init segment for " + r.name + ": " + init.error().describe());
      return;
    }
    tell_recorder(&r, r.init_uri,
                  put(key(r, r.init_uri), std::move(*init), "video/mp4", kImmutable));
  }
  spdlog::info("package: edge={} session {} with {} renditions{}", options_.edge_id, session_,
               renditions_in_session, resuming ? " (resumed)" : "");
}

void StreamPackager::on_access_unit(media::AccessUnit&& unit) {
  auto it = by_track_.find(unit.track_id);
  if (it == by_track_.end() || paused_ || ended_) {
    return;
  }
  Rendition& r = renditions_[it->second];
  if (!pdt_anchor_) {
    int64_t wall = unit.arrival_unix_ms > 0 ? unit.arrival_unix_ms : unix_now_ms();
    pdt_anchor_ = PdtAnchor{wall, r.track->media_time_us(unit)};
  }
  const bool lead = unit.track_id == lead_track_;
  if (lead) {
    if (last_lead_dts_ && unit.dts > *last_lead_dts_) {
      lead_frame_ms_ = unit.dts - *last_lead_dts_;
    }
    last_lead_dts_ = unit.dts;
  }
  if (lead && unit.keyframe && segment_start_ms_ &&
      unit.dts - *segment_start_ms_ >= options_.target_segment_ms) {
    cut(unit.dts, false);
  } else if (options_.low_latency && lead && part_start_ms_ &&
             unit.dts - *part_start_ms_ + lead_frame_ms_ >
                 options_.part_target_ms - kAudioFrameSlackMs) {
    // This frame would take the part past its target: it starts the next one.
    cut_parts(unit.dts);
  }
  if (Status held = r.track->push(std::move(unit)); !held.ok()) {
    fail(held.error().describe());  // TrackLimits: the stream goes to `error`
    return;
  }
  if (!segment_start_ms_ && lead) {
    segment_start_ms_ = r.track->pending_start_ms();
  }
  if (options_.low_latency && !part_start_ms_ && lead) {
    part_start_ms_ = r.track->pending_start_ms();
  }
}

void StreamPackager::cut(int64_t boundary_ms, bool final) {
  for (auto& r : renditions_) {
    if (!r.track) {
      continue;
    }
    if (options_.low_latency) {
      // The segment's last part first; the segment is then its parts.
      auto part = final ? r.track->cut_last_part() : r.track->cut_part(boundary_ms);
      if (!part.ok()) {
        fail("part for " + r.name + ": " + part.error().describe());
        return;
      }
      if (*part) {
        store_part(r, std::move(**part));
      }
      if (auto seg = r.track->finish_segment()) {
        store_segment(r, std::move(*seg));
      }
      continue;
    }
    auto seg = final ? r.track->cut_all() : r.track->cut(boundary_ms);
    if (!seg.ok()) {
      fail("segment for " + r.name + ": " + seg.error().describe());
      return;
    }
    if (*seg) {
      store_segment(r, std::move(**seg));
    }
  }
  segment_start_ms_ = final ? std::nullopt : std::optional<int64_t>(boundary_ms);
  part_start_ms_ = options_.low_latency ? segment_start_ms_ : std::nullopt;
  write_playlists();
  write_master();
  delete_expired(unix_now_ms());
}

void StreamPackager::cut_parts(int64_t boundary_ms) {
  for (auto& r : renditions_) {
    if (!r.track) {
      continue;
    }
    auto part = r.track->cut_part(boundary_ms);
    if (!part.ok()) {
      fail("part for " + r.name + ": " + part.error().describe());
      return;
    }
    if (*part) {
      store_part(r, std::move(**part));
    }
  }
  part_start_ms_ = boundary_ms;
  write_playlists();
  if (!master_complete_) {
    write_master();  // before the first segment: LL players start from the first parts
  }
}

void StreamPackager::store_part(Rendition& r, Part&& part) {
  std::string file = part_name(session_, r.playlist);
  double duration_s = static_cast<double>(part.duration_us) / 1e6;
  int64_t pdt = program_date_time_ms(part.start_us);
  r.part_bytes += static_cast<int64_t>(part.bytes.size());
  r.part_duration_us += part.duration_us;
  put(key(r, file), std::move(part.bytes), "video/iso.segment", kImmutable);
  r.playlist.add_part(
      format::hls::PartRecord{
          .uri = file, .duration_s = duration_s, .independent = part.independent},
      pdt, r.init_uri);
}

void StreamPackager::write_playlists() {
  std::vector<std::pair<std::string, format::hls::RenditionReport>> positions;
  if (options_.low_latency) {
    for (const auto& r : renditions_) {
      if (r.track) {
        positions.emplace_back(r.name, r.playlist.position());
      }
    }
  }
  for (auto& r : renditions_) {
    if (!r.track || r.playlist.size() + r.playlist.partial_parts() == 0) {
      continue;
    }
    std::vector<format::hls::RenditionReport> reports;
    for (const auto& [name, at] : positions) {
      if (name != r.name) {
        reports.push_back(at);
        reports.back().uri = "../" + name + "/index.m3u8";
      }
    }
    std::string hint = options_.low_latency ? part_name(session_, r.playlist) : std::string();
    auto text = r.playlist.render(hint, std::move(reports));
    if (!text.ok()) {
      fail("playlist for " + r.name + ": " + text.error().describe());
      return;
    }
    // A session is playable once every rendition lists a whole segment.
    bool first_of_session = !r.counted_for_ready && r.segment_in_session;
    r.counted_for_ready = r.counted_for_ready || first_of_session;
    put(key(r, "index.m3u8"), to_bytes(*text), kPlaylistType, kPlaylistCache, first_of_session);
  }
}

void StreamPackager::store_segment(Rendition& r, Segment&& seg) {
  uint64_t seq = r.playlist.next_sequence();
  std::string file = session_ + "-" + std::to_string(seq) + ".m4s";
  double duration_s = static_cast<double>(seg.duration_us) / 1e6;
  if (duration_s > 0) {
    auto bps = static_cast<int64_t>(static_cast<double>(seg.bytes.size()) * 8 / duration_s);
    r.peak_bps = std::max(r.peak_bps, bps);
    r.bytes += static_cast<int64_t>(seg.bytes.size());
    r.duration_us += seg.duration_us;
    if (r.kind == media::MediaKind::Video && r.measured_fps == 0 && seg.samples > 1) {
      r.measured_fps = static_cast<double>(seg.samples) / duration_s;
    }
  }
  tell_recorder(&r, file, put(key(r, file), std::move(seg.bytes), "video/iso.segment", kImmutable),
                duration_s);
  r.segment_in_session = true;
  auto evicted = r.playlist.add(format::hls::SegmentRecord{
      .uri = file,
      .duration_s = duration_s,
      .program_date_time_ms = program_date_time_ms(seg.start_us),
      .init_uri = r.init_uri,
  });
  int64_t now = unix_now_ms();
  for (auto& uri : evicted) {
    doomed_.emplace_back(key(r, uri), now);
  }
}

int64_t StreamPackager::program_date_time_ms(int64_t start_us) const {
  if (!pdt_anchor_) {
    return unix_now_ms();  // not reached: a segment has units, the first set the anchor
  }
  // Rounded to the millisecond PDTs are written in.
  int64_t since_us = start_us - pdt_anchor_->media_us;
  int64_t since_ms = since_us >= 0 ? (since_us + 500) / 1000 : -((-since_us + 500) / 1000);
  return pdt_anchor_->wall_ms + since_ms;
}

// From whole segments; before the first one (a low-latency master is written
// with the first parts) the parts' average stands in.
int64_t StreamPackager::average_bitrate(const Rendition& r) {
  if (r.duration_us > 0) {
    return r.bytes * 8 * 1000000 / r.duration_us;
  }
  return r.part_duration_us > 0 ? r.part_bytes * 8 * 1000000 / r.part_duration_us : 0;
}

int64_t StreamPackager::peak_bitrate(const Rendition& r) {
  return r.peak_bps > 0 ? r.peak_bps : average_bitrate(r);
}

void StreamPackager::write_master() {
  format::hls::MasterPlaylist m;
  int64_t audio_peak = 0;
  int64_t audio_avg = 0;
  for (const auto& r : renditions_) {
    if (r.kind != media::MediaKind::Audio || !r.track) {
      continue;
    }
    const auto& t = r.track->track();
    m.audio.push_back(format::hls::AudioRendition{.group_id = "audio",
                                                  .name = "Audio",
                                                  .channels = t.channels,
                                                  .codec = format::hls::track_codec(t),
                                                  .uri = r.name + "/index.m3u8"});
    audio_peak = peak_bitrate(r);
    audio_avg = average_bitrate(r);
  }
  bool complete = true;
  for (const auto& r : renditions_) {
    if (r.kind != media::MediaKind::Video || !r.track) {
      continue;
    }
    const auto& t = r.track->track();
    int64_t avg = average_bitrate(r);
    complete = complete && r.peak_bps > 0;
    m.variants.push_back(
        format::hls::VariantStream{.uri = r.name + "/index.m3u8",
                                   .bandwidth = std::max<int64_t>(peak_bitrate(r) + audio_peak, 1),
                                   .average_bandwidth = avg + audio_avg,
                                   .video_codec = format::hls::track_codec(t),
                                   .width = t.width,
                                   .height = t.height,
                                   .frame_rate = t.frame_rate > 0 ? t.frame_rate : r.measured_fps,
                                   .audio_group = m.audio.empty() ? "" : "audio"});
  }
  // Largest first: players that take the first variant start with the best.
  std::sort(m.variants.begin(), m.variants.end(),
            [](const auto& a, const auto& b) { return a.bandwidth > b.bandwidth; });
  auto text = format::hls::write_master_playlist(m);
  if (!text.ok()) {
    fail("master playlist: " + text.error().describe());
    return;
  }
  bool first_complete = complete && !master_complete_;
  if (*text == last_master_ && !first_complete) {
    return;  // (the first complete one is written even if the text is the same: it counts)
  }
  last_master_ = *text;
  master_complete_ = master_complete_ || complete;
  tell_recorder(nullptr, "master.m3u8",
                put(options_.edge_id + "/master.m3u8", to_bytes(*text), kPlaylistType,
                    kPlaylistCache, first_complete));
}

void StreamPackager::tell_recorder(const Rendition* r, std::string file, storage::ObjectPtr object,
                                   double duration_s) {
  if (events_.on_file && object) {
    events_.on_file(PackagedFile{.session = session_,
                                 .rendition = r != nullptr ? r->name : "",
                                 .kind = r != nullptr ? r->kind : media::MediaKind::Video,
                                 .file = std::move(file),
                                 .object = std::move(object),
                                 .duration_s = duration_s});
  }
}

storage::ObjectPtr StreamPackager::put(const std::string& key, Bytes data,
                                       std::string_view content_type,
                                       std::string_view cache_control, bool counts_for_ready) {
  auto latch = counts_for_ready ? ready_ : nullptr;
  auto failed = failed_;
  auto on_failed = events_.on_failed;
  // Built once here; the queue's retries, the cache and the edge share it.
  auto object = storage::make_object(
      std::move(data), storage::PutOptions{std::string(content_type), std::string(cache_control)});
  if (!stream_) {
    return nullptr;  // no session yet
  }
  Status queued = stream_->put(key, object, [latch, failed, on_failed](const Status& s) {
    if (is_superseded(s)) {
      failed->store(true);  // a newer session owns the stream now: not this one's failure
      return;
    }
    if (!s.ok()) {
      if (!failed->exchange(true) && on_failed) {
        on_failed("storage: " + s.error().describe());
      }
      return;
    }
    if (latch) {
      latch->done();
    }
  });
  if (is_superseded(queued)) {
    if (!failed_->exchange(true)) {
      spdlog::info("package: edge={} a newer session writes this stream; nothing more is written",
                   options_.edge_id);
    }
  } else if (!queued.ok()) {
    fail("storage: " + queued.error().describe());
  }
  return queued.ok() ? object : nullptr;
}

void StreamPackager::fail(const std::string& reason) {
  spdlog::error("package: edge={} {}", options_.edge_id, reason);
  if (!failed_->exchange(true) && events_.on_failed) {
    events_.on_failed(reason);
  }
}

void StreamPackager::delete_expired(int64_t now_ms) {
  while (!doomed_.empty() && now_ms - doomed_.front().second >= options_.delete_grace_ms) {
    (void)stream_->remove(doomed_.front().first, {});
    doomed_.pop_front();
  }
}

void StreamPackager::on_end(media::EndReason reason) {
  if (ended_) {
    return;
  }
  if (reason == media::EndReason::Abandoned) {
    // Another node may be writing these playlists now: not one more object,
    // and what is still queued (an upload retrying through an outage) is dropped.
    ended_ = true;
    failed_->store(true);  // the discarded writes' errors are expected, not a failure
    (void)writes_.discard(options_.edge_id + "/");
    spdlog::info("package: edge={} abandoned; nothing more is written", options_.edge_id);
    if (events_.on_ended) {
      events_.on_ended(reason);
    }
    return;
  }
  if (!paused_ && lead_track_ >= 0) {
    cut(0, true);
  }
  if (reason == media::EndReason::Dropped) {
    // The playlists stay open for the reconnect window.
    paused_ = true;
    if (events_.on_ended) {
      events_.on_ended(reason);
    }
    return;
  }
  ended_ = true;
  for (auto& r : renditions_) {
    r.playlist.end();
    auto text = r.playlist.render();  // no hint nor reports once ended
    if (text.ok()) {
      put(key(r, "index.m3u8"), to_bytes(*text), kPlaylistType, kPlaylistCache);
    }
  }
  spdlog::info("package: edge={} ended", options_.edge_id);
  if (events_.on_ended) {
    events_.on_ended(reason);
  }
}

}  // namespace antcdn::package
