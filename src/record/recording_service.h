#pragma once

// The life of recordings on a node: begin() creates a stream's recording (its
// row in `recording`) and the Recorder its packager feeds; when the recorder
// reports, a blocking-pool job remuxes the MP4 (mp4_remux.h), stores it and
// marks the recording `ready` (recording.ready event), or `failed`. remove()
// deletes a recording's objects (one remove_prefix: DeleteObjects batches on
// S3) and then its row (recording.deleted event).
//
// Takeover: a session another node takes over in its reconnect window goes on
// in the same recording (join()): that node claims the row (node_id, compare
// and set), reads back the playlists the first node stored at the drop
// (Recorder::checkpoint) and continues them; the first node, abandoned in its
// window, releases the row instead of finishing it. Only the owner finishes or
// discards a recording.
//
// Crash safety: recordings have the id of the node that writes them. A node
// that starts marks its own leftover `recording` rows `failed` (recover()),
// and a session the supervisor's watch ends for a dead node has that stream's
// open recordings marked `failed` (fail_stream()). Their objects stay until
// retention or a DELETE removes them.
//
// Threads: begin(), join(), remove(), recover() and fail_stream() block on the
// store (the supervisor's loop, the API pool, start-up); finishing runs on `pool`.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "net/blocking_pool.h"
#include "record/recorder.h"
#include "storage/object_store.h"
#include "storage/object_writer.h"
#include "store/recording_repository.h"
#include "store/repositories.h"

namespace antcdn::record {

struct RecordingServiceOptions {
  std::string node_id = "local";
  // Where the MP4 is built before it is stored (storage::StagedFile): under
  // a disk store's root (DiskStore::staging_dir(), so storing it is a rename),
  // else the system's temp directory (empty: that one).
  std::filesystem::path staging_dir;
  // How long join() waits for the other node's checkpoint to reach the live playlists.
  std::chrono::milliseconds checkpoint_wait{3000};
};

// Where a rendition of the live session stood when this node took it over:
// its last segment (empty when it has none), which the recording must list.
struct LiveTail {
  std::string rendition;
  media::MediaKind kind = media::MediaKind::Video;
  std::string last_uri;
};

class RecordingService {
 public:
  RecordingService(store::RecordingRepository& recordings, storage::ObjectStore& objects,
                   storage::ObjectWriter& writes, net::BlockingPool& pool,
                   RecordingServiceOptions options);

  // A new recording of `stream`'s session, or null when the stream is not
  // recorded or the store refused (the session goes on unrecorded, logged).
  // Fails the stream's released recordings first: a new session means nobody
  // continues them.
  std::shared_ptr<Recorder> begin(const store::StreamRecord& stream);
  // A session taken over from another node: its open recording, claimed for
  // this node and restored from its checkpoint (read from `origin`, not a
  // cache), which must list every tail's last segment within checkpoint_wait.
  // Null when there is no open recording or another node won it; null too,
  // with the recording marked `failed` (its objects stay), when the
  // checkpoint does not come. Null from both: begin() a new one.
  std::shared_ptr<Recorder> join(const store::StreamRecord& stream,
                                 const std::vector<LiveTail>& tails, storage::ObjectStore& origin);

  // Deletes the recording's objects, then its row. The objects first: a row
  // left by a failure is found again by the next DELETE or retention run.
  Status remove(const store::RecordingRecord& recording);
  // Every recording of the stream (a deleted stream).
  Status remove_all_of(const std::string& stream_id);

  // Start-up: this node's recordings left in `recording` by its previous run.
  void recover();
  // A session nobody holds any more (a dead node): its open recordings fail.
  void fail_stream(const std::string& stream_id);

 private:
  std::shared_ptr<Recorder> make_recorder(const std::string& recording_id,
                                          RecordedProgress restored);
  // The recording's stored playlists, if they list every tail's last segment.
  Result<RecordedProgress> read_checkpoint(const std::string& recording_id,
                                           const std::vector<LiveTail>& tails,
                                           storage::ObjectStore& origin);
  void finished(const RecordingResult& result);
  // A recording deleted while it was being finished: removes what it stored since.
  void drop_deleted(const std::string& recording_id);
  void remove_empty(const std::string& recording_id);
  // The MP4 of the top rendition and the audio, stored; false when it could not be made.
  bool store_download(const RecordingResult& result);

  store::RecordingRepository& recordings_;
  storage::ObjectStore& objects_;
  storage::ObjectWriter& writes_;
  net::BlockingPool& pool_;
  const RecordingServiceOptions options_;
};

}  // namespace antcdn::record
