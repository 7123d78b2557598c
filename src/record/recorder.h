#pragma once

// Keeps a copy of one live session, across the reconnects within its window,
// under the recording's prefix (recording_layout.h). The packager tells it of
// every init section, segment and master playlist it queues (the same shared
// ObjectPtr: the bytes are stored twice, never copied in memory, and not held
// once written); the recorder queues each under the recording's key at once,
// keeps only names and sizes, and on finish() writes the
// VOD playlists and the master, then reports once every write has landed.
//
// At a drop (checkpoint()) it stores the playlists as they stand: a recording
// that never finishes keeps them, and a node that takes the session over in its
// reconnect window reads them back (RecordedProgress) and goes on in the same
// recording. Abandoned in a window (abandon()), it reports the recording
// `released` instead of finished: the session may go on on that other node.
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
#include "record/rendition_playlist.h"
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

// What a recording holds so far, read back from its stored playlists.
struct RecordedProgress {
  std::vector<RecordedRendition> renditions;
  storage::ObjectPtr master;  // the stored master.m3u8; may be null
};

struct RecordingResult {
  std::string recording_id;
  std::vector<RecordedRendition> renditions;
  std::string top_video;  // the master's first (largest) variant; empty without video
  int sessions = 0;
  double duration_s = 0;  // of the top video rendition (else of the audio)
  Status written;         // the first write storage gave up on, if any
  // Abandoned in a reconnect window: not finished here; the node that goes on
  // with the session (if any) claims it.
  bool released = false;
};

class Recorder {
 public:
  using Finished = std::function<void(RecordingResult result)>;

  // `restored`: what the recording held when another node left it.
  Recorder(std::string recording_id, storage::ObjectWriter& writes, Finished on_finished,
           RecordedProgress restored = {});
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  const std::string& recording_id() const { return recording_id_; }
  void add(const RecordedFile& file);
  // The publisher dropped: stores the playlists as they stand (without
  // `immutable`), unless nothing was added since the last checkpoint.
  void checkpoint();
  // Writes the playlists; `on_finished` follows once every write is done.
  // Later calls (and add() after it) do nothing.
  void finish();
  // This node no longer holds the stream. In a reconnect window (after a
  // checkpoint(), nothing added since) the result is `released`, once the
  // checkpoint has landed; otherwise the same as finish().
  void abandon();

 private:
  struct Pending;
  void put(const std::string& file, storage::ObjectPtr object);
  RecordedRendition& rendition(const RecordedFile& file);
  // Each rendition's playlist and the master: `final` (immutable VOD) or a
  // checkpoint (rendition_playlist.h, revalidated); false when there is no
  // segment to list.
  bool put_playlists(bool final);
  void report(RecordingResult result);

  const std::string recording_id_;
  storage::ObjectWriter& writes_;
  std::shared_ptr<Pending> pending_;
  std::vector<RecordedRendition> renditions_;
  std::vector<std::string> sessions_;
  storage::ObjectPtr master_;
  bool finished_ = false;
  bool paused_ = false;   // checkpoint() came last: the publisher is away
  bool changed_ = false;  // added to since the last checkpoint
};

// The first variant's rendition in a master playlist ("720p" for
// "720p/index.m3u8"), or "" when it names none.
std::string first_variant(std::string_view master);

}  // namespace antcdn::record
