#include "record/recorder.h"

#include <algorithm>
#include <mutex>

#include <spdlog/spdlog.h>

#include "format/hls/m3u8_parser.h"
#include "record/recording_layout.h"

namespace antcdn::record {
namespace {

constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";
// A finished recording never changes.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// A checkpoint's playlists do, when the recording goes on.
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kInitPrefix = "init-";

// The sessions the segments belong to ("init-{session}.mp4"), first come first.
std::vector<std::string> sessions_of(const std::vector<RecordedRendition>& renditions) {
  std::vector<std::string> out;
  for (const auto& r : renditions) {
    for (const auto& seg : r.segments) {
      std::string_view init = seg.init_uri;
      if (!init.starts_with(kInitPrefix) || !init.ends_with(".mp4")) {
        continue;
      }
      std::string name(init.substr(kInitPrefix.size(), init.size() - kInitPrefix.size() - 4));
      if (std::find(out.begin(), out.end(), name) == out.end()) {
        out.push_back(std::move(name));
      }
    }
  }
  return out;
}

}  // namespace

// What the storage threads share with the recorder: writes in flight, the
// first failure, and the result to report once the last write is done.
struct Recorder::Pending {
  std::mutex mutex;
  int in_flight = 1;  // + 1 until finish(): nothing is reported before it
  Status first_error;
  RecordingResult result;
  Finished on_finished;

  void fail(const Status& s) {
    std::lock_guard lock(mutex);
    if (first_error.ok()) {
      first_error = s;
    }
  }
  void done(const Status& s) {
    Finished fire;
    {
      std::lock_guard lock(mutex);
      if (!s.ok() && first_error.ok()) {
        first_error = s;
      }
      if (--in_flight > 0) {
        return;
      }
      fire = std::move(on_finished);
      result.written = first_error;
    }
    if (fire) {
      fire(std::move(result));
    }
  }
};

Recorder::Recorder(std::string recording_id, storage::ObjectWriter& writes, Finished on_finished,
                   RecordedProgress restored)
    : recording_id_(std::move(recording_id)),
      writes_(writes),
      pending_(std::make_shared<Pending>()),
      renditions_(std::move(restored.renditions)),
      sessions_(sessions_of(renditions_)),
      master_(std::move(restored.master)) {
  pending_->on_finished = std::move(on_finished);
}

Recorder::~Recorder() {
  finish();
}

RecordedRendition& Recorder::rendition(const RecordedFile& file) {
  for (auto& r : renditions_) {
    if (r.name == file.rendition) {
      return r;
    }
  }
  renditions_.push_back(RecordedRendition{.name = file.rendition, .kind = file.kind});
  return renditions_.back();
}

void Recorder::add(const RecordedFile& file) {
  if (finished_ || !file.object) {
    return;
  }
  paused_ = false;
  changed_ = true;
  if (file.rendition.empty()) {
    master_ = file.object;  // written once, at the end: the last one names every rendition
    return;
  }
  bool new_session = sessions_.empty() || sessions_.back() != file.session;
  if (new_session) {
    sessions_.push_back(file.session);
  }
  RecordedRendition& r = rendition(file);
  if (file.file.starts_with(kInitPrefix)) {
    r.inits.emplace_back(file.file, file.object->data.size());
  } else {
    // A later session's first segment follows a reconnect.
    bool discontinuity =
        !r.segments.empty() && !r.segments.back().uri.starts_with(file.session + "-");
    r.segments.push_back(RecordedSegment{.uri = file.file,
                                         .init_uri = "init-" + file.session + ".mp4",
                                         .duration_s = file.duration_s,
                                         .discontinuity_before = discontinuity,
                                         .bytes = file.object->data.size()});
  }
  put(file.rendition + "/" + file.file, file.object);
}

void Recorder::put(const std::string& file, storage::ObjectPtr object) {
  {
    std::lock_guard lock(pending_->mutex);
    ++pending_->in_flight;
  }
  auto pending = pending_;
  Status queued = writes_.put(recording_key(recording_id_, file), std::move(object),
                              [pending](const Status& s) { pending->done(s); });
  if (!queued.ok()) {
    pending_->done(queued);  // no callback will come
  }
}

bool Recorder::put_playlists(bool final) {
  std::string_view cache_control = final ? kImmutable : kRevalidate;
  bool any = false;
  for (const auto& r : renditions_) {
    if (r.segments.empty()) {
      continue;
    }
    any = true;
    // A checkpoint also gives the sizes, for a node that goes on from it; the
    // final playlist is the plain VOD one (no longer by a few dozen bytes a segment).
    auto text = final ? vod_playlist(r.segments) : rendition_playlist(r);
    if (!text.ok()) {
      pending_->fail(text.error());
      continue;
    }
    put(r.name + "/index.m3u8",
        storage::make_object(to_bytes(*text),
                             {std::string(kPlaylistType), std::string(cache_control)}));
  }
  if (any && master_) {
    // The live master names "{rendition}/index.m3u8", as the recording's layout does.
    put("master.m3u8", storage::make_object(master_->data, {std::string(kPlaylistType),
                                                            std::string(cache_control)}));
  }
  return any;
}

void Recorder::checkpoint() {
  if (finished_) {
    return;
  }
  paused_ = true;
  if (!std::exchange(changed_, false)) {
    return;
  }
  put_playlists(false);
  spdlog::info("record: {} checkpoint ({} sessions)", recording_id_, sessions_.size());
}

void Recorder::abandon() {
  if (finished_ || !paused_ || changed_) {
    finish();
    return;
  }
  finished_ = true;
  spdlog::info("record: {} left in its reconnect window ({} sessions)", recording_id_,
               sessions_.size());
  report(RecordingResult{.recording_id = recording_id_,
                         .sessions = static_cast<int>(sessions_.size()),
                         .released = true});
}

void Recorder::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  RecordingResult result{.recording_id = recording_id_,
                         .sessions = static_cast<int>(sessions_.size())};
  if (put_playlists(true) && master_) {
    result.top_video = first_variant(as_chars(master_->data));
  }
  // The duration players show: the top video's, or the audio's without video.
  for (const auto& r : renditions_) {
    if (r.name == result.top_video || (result.top_video.empty() && result.duration_s == 0)) {
      result.duration_s = total_duration_s(r.segments);
    }
  }
  result.renditions = std::move(renditions_);
  spdlog::info("record: {} finished ({} sessions)", recording_id_, sessions_.size());
  report(std::move(result));
}

void Recorder::report(RecordingResult result) {
  {
    std::lock_guard lock(pending_->mutex);
    pending_->result = std::move(result);
  }
  pending_->done({});  // the + 1 held until now
}

std::string first_variant(std::string_view master) {
  auto lines = format::hls::parse_m3u8(master);
  if (!lines.ok()) {
    return "";
  }
  bool after_inf = false;
  for (const auto& line : *lines) {
    using Kind = format::hls::M3u8Line::Kind;
    if (line.kind == Kind::Tag && line.name == "EXT-X-STREAM-INF") {
      after_inf = true;
    } else if (after_inf && line.kind == Kind::Uri) {
      return line.value.substr(0, line.value.find('/'));
    }
  }
  return "";
}

}  // namespace antcdn::record
