#pragma once

// The packager of one stream: an AccessUnitSink that cuts every rendition at
// the same keyframe boundaries (~2 s), writes CMAF init sections and segments
// plus the media and master playlists through the storage write queue, and
// reports once every rendition is playable. A dropped encoder pauses it
// (on_end(Dropped)); the next on_tracks resumes the same playlists after an
// EXT-X-DISCONTINUITY with a new session name; any other on_end writes ENDLIST.
// With low latency, every rendition is also cut into LL-HLS parts at shared
// boundaries (~part_target_ms of the lead video track), each part stored as
// its own object and listed at once; a segment is the concatenation of its parts.
// A packager told to continue_stored() resumes, the same way, the playlists
// another node left in storage.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "media/access_unit_sink.h"
#include "package/playlist_state.h"
#include "package/stored_session.h"
#include "package/track_packager.h"
#include "storage/object_writer.h"

namespace antcdn::package {

struct PackagerOptions {
  std::string edge_id;
  bool passthrough = false;  // names the video rendition "source" instead of "{h}p"
  int64_t target_segment_ms = 2000;
  size_t window_segments = 10;      // live playlist length
  int64_t delete_grace_ms = 30000;  // how long a segment outlives its place in the window
  bool low_latency = false;         // LL-HLS parts and tags (latencyMode "low")
  int64_t part_target_ms = 500;     // --part-duration-ms
};

// An object a session stored, as the recorder (src/record) sees it: the same
// shared bytes, so keeping a copy of a session costs no copy of its media.
struct PackagedFile {
  std::string session;    // the session's name (new after every reconnect)
  std::string rendition;  // empty for the master playlist
  media::MediaKind kind = media::MediaKind::Video;
  std::string file;  // "init-{session}.mp4", "{session}-{seq}.m4s" or "master.m3u8"
  storage::ObjectPtr object;
  double duration_s = 0;  // segments only
};

struct PackagerEvents {
  // Called on a storage thread, once per session, when the master playlist and a
  // first segment of every rendition are stored.
  std::function<void()> on_ready;
  // Called (at most once) when storage gave up on a write.
  std::function<void(const std::string& reason)> on_failed;
  // Optional (recordings): every init section, segment and master playlist as
  // it is queued, on the thread that feeds the packager; then the end, and
  // also a Dropped pause (once its last segments are queued), which a later
  // session may resume.
  std::function<void(const PackagedFile&)> on_file;
  std::function<void(media::EndReason)> on_ended;
};

class StreamPackager final : public media::AccessUnitSink {
 public:
  StreamPackager(PackagerOptions options, storage::ObjectWriter& writes, PackagerEvents events);
  ~StreamPackager() override;

  // Continues `stored` (see load_stored_session) instead of starting afresh:
  // the first on_tracks then resumes them as after a reconnect (nothing is
  // removed, an EXT-X-DISCONTINUITY, new init and segment names). Call before
  // the first on_tracks. Conflict once a session started, or for an ended
  // playlist (the caller starts a fresh session instead); on error nothing
  // changes.
  Status continue_stored(std::vector<StoredRendition>&& stored);

  void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
  void on_access_unit(media::AccessUnit&& unit) override;
  void on_end(media::EndReason reason) override;

 private:
  struct Rendition {
    std::string name;
    media::MediaKind kind = media::MediaKind::Video;
    std::unique_ptr<TrackPackager> track;
    PlaylistState playlist;
    std::string init_uri;
    int64_t bytes = 0;
    int64_t duration_us = 0;
    int64_t peak_bps = 0;
    int64_t part_bytes = 0;  // every part's, for a bitrate before the first segment
    int64_t part_duration_us = 0;
    double measured_fps = 0;
    bool counted_for_ready = false;   // its first playlist of this session is in the latch
    bool segment_in_session = false;  // a whole segment of this session is listed
  };
  struct ReadyLatch;

  void cut(int64_t boundary_ms, bool final);
  void cut_parts(int64_t boundary_ms);
  void store_part(Rendition& r, Part&& part);
  void store_segment(Rendition& r, Segment&& seg);
  // Each rendition's playlist, once all of them took the same cut (their
  // rendition reports then agree).
  void write_playlists();
  int64_t program_date_time_ms(int64_t start_us) const;
  void write_master();
  static int64_t average_bitrate(const Rendition& r);
  static int64_t peak_bitrate(const Rendition& r);
  // The object it queued (null when nothing was queued).
  storage::ObjectPtr put(const std::string& key, Bytes data, std::string_view content_type,
                         std::string_view cache_control, bool counts_for_ready = false);
  void tell_recorder(const Rendition* r, std::string file, storage::ObjectPtr object,
                     double duration_s = 0);
  void fail(const std::string& reason);
  void delete_expired(int64_t now_ms);
  std::string key(const Rendition& r, const std::string& file) const;

  PackagerOptions options_;
  storage::ObjectWriter& writes_;
  // This packager's claim of the stream's prefix, from its first session on.
  std::unique_ptr<storage::ObjectWriter> stream_;
  PackagerEvents events_;
  std::vector<Rendition> renditions_;
  std::map<int, size_t> by_track_;  // track id -> rendition index
  std::string session_;
  int lead_track_ = -1;
  std::optional<int64_t> segment_start_ms_;
  std::optional<int64_t> part_start_ms_;
  std::optional<int64_t> last_lead_dts_;
  int64_t lead_frame_ms_ = 33;  // the lead track's last frame interval
  // EXT-X-PROGRAM-DATE-TIME follows media time: one wall-clock anchor per
  // session (taken when its first frame arrives), and each segment's PDT is the
  // anchor plus its media time since that frame, the same in every rendition.
  struct PdtAnchor {
    int64_t wall_ms = 0;
    int64_t media_us = 0;
  };
  std::optional<PdtAnchor> pdt_anchor_;
  bool paused_ = false;
  bool ended_ = false;
  bool master_complete_ = false;
  std::shared_ptr<ReadyLatch> ready_;
  std::shared_ptr<std::atomic<bool>> failed_;
  std::deque<std::pair<std::string, int64_t>> doomed_;  // key, when it left the window
  std::string last_master_;
};

}  // namespace antcdn::package
