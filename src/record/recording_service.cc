#include "record/recording_service.h"

#include <cmath>
#include <system_error>

#include <spdlog/spdlog.h>

#include "common/ids.h"
#include "common/time_util.h"
#include "record/mp4_remux.h"
#include "record/recording_layout.h"
#include "storage/staged_file.h"

namespace antcdn::record {
namespace {

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
  if (!stream.recording_enabled) {
    return nullptr;
  }
  int64_t now = unix_now_ms();
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
  return std::make_shared<Recorder>(row.recording_id, writes_, [this](RecordingResult result) {
    pool_.post([this, result = std::move(result)]() mutable { finished(std::move(result)); });
  });
}

void RecordingService::finished(RecordingResult result) {
  const std::string& id = result.recording_id;
  bool empty = true;
  for (const auto& r : result.renditions) {
    empty = empty && r.segments.empty();
  }
  if (empty) {
    // A publish that never produced a segment: nothing to keep or to show.
    (void)objects_.remove_prefix(recording_prefix(id));
    (void)recordings_.remove_recording(id);
    spdlog::info("record: {} had no media; removed", id);
    return;
  }
  store::RecordingOutcome outcome{
      .state = store::RecordingState::Failed,
      .ended_at_ms = unix_now_ms(),
      .duration_ms = std::llround(result.duration_s * 1000),
  };
  if (!result.written.ok()) {
    spdlog::warn("record: {} failed: {}", id, result.written.error().describe());
  } else {
    outcome.has_mp4 = store_download(result);
    outcome.state = store::RecordingState::Ready;
  }
  auto done = recordings_.finish_recording(id, outcome);
  if (!done.ok()) {
    // Still `recording`: the node's next start marks it failed.
    spdlog::warn("record: {}: could not record its outcome: {}", id, done.error().describe());
  }
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
