#pragma once

// Keeps a copy of one live session, across the reconnects within its window,
// under the recording's prefix (recording_layout.h). The packager tells it of
// every init section, segment and master playlist it queues (the same shared
// ObjectPtr: the bytes are stored twice, never copied in memory, and not held
// once written); the recorder queues each under the recording's key at once,
// keeps only names and sizes, and on finish() writes the
// VOD playlists and the master, then reports once every write has landed.
//
// Threads: add() and finish() on the thread that feeds the packager, one at a
// time; writes complete on storage threads, and `on_finished` runs there (or
// in finish() when nothing is pending): it must hand slow work elsewhere.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "media/track.h"
#include "record/vod_playlist.h"
#include "storage/object_writer.h"

namespace antcdn::record {

// One object a session stored (package::PackagedFile, as the app hands it on).
struct RecordedFile {
  std::string session;
  std::string rendition;  // empty for the master playlist
  media::MediaKind kind = media::MediaKind::Video;
  std::string file;
  storage::ObjectPtr object;
  double duration_s = 0;  // segments
};

struct RecordedRendition {
  std::string name;  // "720p", "source", "audio"
  media::MediaKind kind = media::MediaKind::Video;
  std::vector<RecordedSegment> segments;
  // Init section names and sizes, for the MP4 remux. No bytes are kept: a
  // recording may last hours; the remux reads them back from storage.
  std::vector<std::pair<std::string, size_t>> inits;
};

struct RecordingResult {
  std::string recording_id;
  std::vector<RecordedRendition> renditions;
  std::string top_video;  // the master's first (largest) variant; empty without video
  int sessions = 0;
  double duration_s = 0;  // of the top video rendition (else of the audio)
  Status written;         // the first write storage gave up on, if any
};

class Recorder {
 public:
  using Finished = std::function<void(RecordingResult result)>;

  Recorder(std::string recording_id, storage::ObjectWriter& writes, Finished on_finished);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  const std::string& recording_id() const { return recording_id_; }
  void add(const RecordedFile& file);
  // Writes the playlists; `on_finished` follows once every write is done.
  // Later calls (and add() after it) do nothing.
  void finish();

 private:
  struct Pending;
  void put(const std::string& file, storage::ObjectPtr object);
  RecordedRendition& rendition(const RecordedFile& file);

  const std::string recording_id_;
  storage::ObjectWriter& writes_;
  std::shared_ptr<Pending> pending_;
  std::vector<RecordedRendition> renditions_;
  std::vector<std::string> sessions_;
  storage::ObjectPtr master_;
  bool finished_ = false;
};

// The first variant's rendition in a master playlist ("720p" for
// "720p/index.m3u8"), or "" when it names none.
std::string first_variant(std::string_view master);

}  // namespace antcdn::record
