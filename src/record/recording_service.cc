#include "record/recording_service.h"

#include <cmath>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/blocking.h"
#include "common/ids.h"
#include "common/time_util.h"
#include "record/mp4_remux.h"
#include "record/recording_layout.h"
#include "storage/staged_file.h"

namespace antcdn::record {
namespace {

// How often join() reads the other node's checkpoint again while it waits.
constexpr std::chrono::milliseconds kCheckpointPoll{200};

// The sessions of one rendition as the remuxer takes them: each init section
// with the segments that follow it, by their keys in the recording.
RemuxTrack remux_track(const std::string& recording_id, const RecordedRendition& r) {
  RemuxTrack track;
  auto key = [&](const std::string& file) {
    return recording_key(recording_id, r.name + "/" + file);
  };
  std::string current_init;
  for (const auto& seg : r.segments) {
    if (track.empty() || seg.init_uri != current_init) {
      current_init = seg.init_uri;
      size_t init_bytes = 0;
      for (const auto& [name, bytes] : r.inits) {
        if (name == current_init) {
          init_bytes = bytes;
        }
      }
      track.push_back(RemuxSession{.init = {key(current_init), init_bytes}});
    }
    track.back().segments.push_back({key(seg.uri), seg.bytes});
  }
  return track;
}

}  // namespace

RecordingService::RecordingService(store::RecordingRepository& recordings,
                                   storage::ObjectStore& objects, storage::ObjectWriter& writes,
                                   net::BlockingPool& pool, RecordingServiceOptions options)
    : recordings_(recordings),
      objects_(objects),
      writes_(writes),
      pool_(pool),
      options_(std::move(options)) {}

std::shared_ptr<Recorder> RecordingService::begin(const store::StreamRecord& stream) {
  int64_t now = unix_now_ms();
  // Left by a node abandoned in a reconnect window, and not taken over: this
  // new session of the stream means nobody goes on with them.
  if (auto failed = recordings_.fail_released_recordings(stream.stream_id, now); !failed.ok()) {
    spdlog::warn("record: stream {}: failing its released recordings: {}", stream.stream_id,
                 failed.error().describe());
  } else if (*failed > 0) {
    spdlog::info("record: stream {}: {} released recordings marked failed", stream.stream_id,
                 *failed);
  }
  if (!stream.recording_enabled) {
    return nullptr;
  }
  store::RecordingRecord row{.recording_id = ids::new_recording_id(now),
                             .stream_id = stream.stream_id,
                             .edge_id = stream.edge_id,
                             .owner_key_id = stream.owner_key_id,
                             .node_id = options_.node_id,
                             .started_at_ms = now,
                             .retention_days = stream.recording_retention_days};
  if (Status s = recordings_.create_recording(row); !s.ok()) {
    spdlog::warn("record: stream {}: not recorded: {}", stream.stream_id, s.error().describe());
    return nullptr;
  }
  spdlog::info("record: stream {} records as {}", stream.stream_id, row.recording_id);
  return make_recorder(row.recording_id, {});
}

std::shared_ptr<Recorder> RecordingService::make_recorder(const std::string& recording_id,
                                                          RecordedProgress restored) {
  return std::make_shared<Recorder>(
      recording_id, writes_,
      [this](RecordingResult result) {
        pool_.post([this, result = std::move(result)] { finished(result); });
      },
      std::move(restored));
}

std::shared_ptr<Recorder> RecordingService::join(const store::StreamRecord& stream,
                                                 const std::vector<LiveTail>& tails,
                                                 storage::ObjectStore& origin) {
  const std::string& stream_id = stream.stream_id;
  auto newest = recordings_.list_recordings(stream_id, 1, std::nullopt);
  if (!newest.ok()) {
    spdlog::warn("record: stream {}: finding its recording: {}", stream_id,
                 newest.error().describe());
    return nullptr;
  }
  if (newest->empty() || newest->front().state != store::RecordingState::Recording) {
    spdlog::info("record: stream {}: no open recording to continue", stream_id);
    return nullptr;
  }
  const store::RecordingRecord open = newest->front();
  const std::string& id = open.recording_id;
  if (Status s = recordings_.claim_recording(id, open.node_id, options_.node_id); !s.ok()) {
    spdlog::info("record: stream {}: recording {} is not continued here: {}", stream_id, id,
                 s.error().describe());
    return nullptr;
  }
  auto deadline = std::chrono::steady_clock::now() + options_.checkpoint_wait;
  auto progress = read_checkpoint(id, tails, origin);
  while (!progress.ok() && std::chrono::steady_clock::now() < deadline) {
    // The other node stores its checkpoint once its packager has flushed the
    // dropped session, which may be after this node took the session over; no
    // event crosses nodes, so read again shortly, for a bounded time.
    assert_may_block("record: waiting for another node's checkpoint");
    std::this_thread::sleep_for(kCheckpointPoll);
    progress = read_checkpoint(id, tails, origin);
  }
  if (!progress.ok()) {
    spdlog::warn(
        "record: stream {}: recording {} of node {} cannot be continued ({}); it is marked failed "
        "and a new one starts",
        stream_id, id, open.node_id.empty() ? "?" : open.node_id, progress.error().describe());
    auto failed = recordings_.finish_recording(id, {.state = store::RecordingState::Failed,
                                                    .ended_at_ms = unix_now_ms(),
                                                    .node_id = options_.node_id});
    if (!failed.ok()) {
      spdlog::warn("record: {}: marking it failed: {}", id, failed.error().describe());
    }
    return nullptr;
  }
  spdlog::info("record: stream {}: continues recording {} of node {} ({} renditions)", stream_id,
               id, open.node_id.empty() ? "?" : open.node_id, progress->renditions.size());
  return make_recorder(id, std::move(*progress));
}

Result<RecordedProgress> RecordingService::read_checkpoint(const std::string& recording_id,
                                                           const std::vector<LiveTail>& tails,
                                                           storage::ObjectStore& origin) {
  if (tails.empty()) {
    return make_error(Code::InvalidArgument, "no live playlists to check its playlists against");
  }
  RecordedProgress out;
  for (const auto& tail : tails) {
    std::string key = recording_key(recording_id, tail.rendition + "/index.m3u8");
    auto text = origin.get(key);
    if (!text.ok()) {
      if (text.error().code == Code::NotFound && tail.last_uri.empty()) {
        continue;  // a rendition without segments yet
      }
      return text.error().with_context(key);
    }
    auto r = parse_rendition_playlist(as_chars((*text)->data), tail.rendition, tail.kind);
    if (!r.ok()) {
      return r.error().with_context(key);
    }
    if (!tail.last_uri.empty() && !lists_segment(*r, tail.last_uri)) {
      return make_error(Code::NotFound, key + " does not list " + tail.last_uri + " (yet)");
    }
    out.renditions.push_back(std::move(*r));
  }
  if (auto master = origin.get(recording_key(recording_id, "master.m3u8")); master.ok()) {
    out.master = std::move(*master);
  }
  return out;
}

void RecordingService::finished(const RecordingResult& result) {
  const std::string& id = result.recording_id;
  if (result.released) {
    Status s = recordings_.release_recording(id, options_.node_id);
    spdlog::info("record: {} {}", id,
                 s.ok() ? "released for the node that goes on with the session"
                        : "not released: " + s.error().describe());
    return;
  }
  bool empty = true;
  for (const auto& r : result.renditions) {
    empty = empty && r.segments.empty();
  }
  if (empty) {
    remove_empty(id);
    return;
  }
  // A node that took the session over owns the recording now: it finishes it.
  auto row = recordings_.get_recording(id);
  if (row.ok() && !row->has_value()) {
    drop_deleted(id);
    return;
  }
  if (row.ok() && row->has_value() &&
      ((*row)->node_id != options_.node_id || (*row)->state != store::RecordingState::Recording)) {
    spdlog::info("record: {} is not finished here: it is {} on node {}", id,
                 to_string((*row)->state), (*row)->node_id.empty() ? "?" : (*row)->node_id);
    return;
  }
  store::RecordingOutcome outcome{
      .state = store::RecordingState::Failed,
      .ended_at_ms = unix_now_ms(),
      .duration_ms = std::llround(result.duration_s * 1000),
      .node_id = options_.node_id,
  };
  if (!result.written.ok()) {
    spdlog::warn("record: {} failed: {}", id, result.written.error().describe());
  } else {
    outcome.has_mp4 = store_download(result);
    outcome.state = store::RecordingState::Ready;
  }
  auto done = recordings_.finish_recording(id, outcome);
  if (!done.ok()) {
    if (auto now = recordings_.get_recording(id); now.ok() && !now->has_value()) {
      drop_deleted(id);  // during the remux
      return;
    }
    // Still `recording` (the node's next start marks it failed), or another
    // node claimed it meanwhile (it finishes it).
    spdlog::warn("record: {}: could not record its outcome: {}", id, done.error().describe());
  }
}

void RecordingService::drop_deleted(const std::string& recording_id) {
  // Deleted (with its stream) while it was being finished: what was stored
  // after the delete removed its objects (the playlists, the MP4) goes too.
  Status removed = objects_.remove_prefix(recording_prefix(recording_id));
  spdlog::info("record: {} was deleted while it was being finished; {}", recording_id,
               removed.ok() ? "its objects are removed"
                            : "removing its objects: " + removed.error().describe());
}

void RecordingService::remove_empty(const std::string& recording_id) {
  // A publish that never produced a segment: nothing to keep or to show. The
  // row first, and only if this node still owns it.
  if (Status s = recordings_.discard_recording(recording_id, options_.node_id); !s.ok()) {
    spdlog::info("record: {} had no media here, but is not removed: {}", recording_id,
                 s.error().describe());
    return;
  }
  (void)objects_.remove_prefix(recording_prefix(recording_id));
  spdlog::info("record: {} had no media; removed", recording_id);
}

bool RecordingService::store_download(const RecordingResult& result) {
  const RecordedRendition* video = nullptr;
  const RecordedRendition* audio = nullptr;
  for (const auto& r : result.renditions) {
    if (r.name == result.top_video) {
      video = &r;
    } else if (r.kind == media::MediaKind::Audio && !r.segments.empty()) {
      audio = &r;
    }
  }
  if (video == nullptr) {
    return false;  // audio only: the HLS recording is all there is
  }
  // Built in a file and stored from it (S3: a multipart upload), so neither
  // memory nor an object-size limit bounds a recording's length.
  const std::string& id = result.recording_id;
  auto staged = storage::StagedFile::create(
      options_.staging_dir.empty() ? std::filesystem::temp_directory_path() : options_.staging_dir,
      kDownloadFile);
  if (!staged.ok()) {
    spdlog::warn("record: {}: no MP4: {}", id, staged.error().describe());
    return false;
  }
  if (Status s =
          remux_mp4(objects_, remux_track(id, *video),
                    audio != nullptr ? remux_track(id, *audio) : RemuxTrack{}, staged->path());
      !s.ok()) {
    spdlog::warn("record: {}: no MP4: {}", id, s.error().describe());
    return false;
  }
  std::error_code ec;
  uintmax_t bytes = std::filesystem::file_size(staged->path(), ec);
  if (Status s = objects_.put_file(recording_key(id, kDownloadFile), staged->path(),
                                   {"video/mp4", "public, max-age=31536000, immutable"});
      !s.ok()) {
    spdlog::warn("record: {}: storing the MP4: {}", id, s.error().describe());
    return false;
  }
  spdlog::info("record: {} ready, MP4 of {} bytes", result.recording_id, bytes);
  return true;
}

Status RecordingService::remove(const store::RecordingRecord& recording) {
  if (Status s = objects_.remove_prefix(recording_prefix(recording.recording_id)); !s.ok()) {
    return s;
  }
  Status s = recordings_.remove_recording(recording.recording_id);
  if (!s.ok() && s.error().code == Code::NotFound) {
    return {};  // removed meanwhile (retention and a DELETE at once)
  }
  return s;
}

Status RecordingService::remove_all_of(const std::string& stream_id) {
  for (;;) {
    auto page = recordings_.list_recordings(stream_id, 100, std::nullopt);
    if (!page.ok()) {
      return page.error();
    }
    if (page->empty()) {
      return {};
    }
    for (const auto& r : *page) {
      if (Status s = remove(r); !s.ok()) {
        return s;
      }
    }
  }
}

void RecordingService::recover() {
  auto failed = recordings_.fail_open_recordings(options_.node_id, "", unix_now_ms());
  if (!failed.ok()) {
    spdlog::warn("record: marking this node's unfinished recordings failed: {}",
                 failed.error().describe());
  } else if (*failed > 0) {
    spdlog::warn("record: {} recordings of this node's previous run marked failed", *failed);
  }
}

void RecordingService::fail_stream(const std::string& stream_id) {
  auto failed = recordings_.fail_open_recordings("", stream_id, unix_now_ms());
  if (!failed.ok()) {
    spdlog::warn("record: stream {}: marking its recording failed: {}", stream_id,
                 failed.error().describe());
  }
}

}  // namespace antcdn::record
