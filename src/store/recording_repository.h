#pragma once

// SEAM: recordings of live sessions (record/). A recording is created when a
// session starts on an ingest node and finished (ready or failed) by the node
// that owns it then (node_id): a session another node takes over in its
// reconnect window moves its recording there (claim_recording), and the node
// it left releases it (release_recording) instead of finishing it. The API or
// the retention job removes it. Finishing as ready and removing
// append recording.ready / recording.deleted to the event outbox in the same
// transaction. SqlRecordings (store/sql_recordings.h) implements it once for
// both backends.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace antcdn::store {

struct EventHeader;

enum class RecordingState { Recording, Ready, Failed };
std::string_view to_string(RecordingState state);
std::optional<RecordingState> parse_recording_state(std::string_view text);

struct RecordingRecord {
  int64_t seq = 0;  // insertion order, assigned by the store; pagination cursor
  std::string recording_id;
  std::string stream_id;
  std::string edge_id;
  std::string owner_key_id;
  std::string node_id;  // the ingest node that writes it; empty: released, nobody does
  RecordingState state = RecordingState::Recording;
  int64_t started_at_ms = 0;
  std::optional<int64_t> ended_at_ms;
  int64_t duration_ms = 0;  // media time of the top rendition
  bool has_mp4 = false;
  int retention_days = 7;                // the stream's setting when it started
  std::optional<int64_t> expires_at_ms;  // set when it finishes: ended + retention
};

// Renders the envelope of a recording event (api/event_dto.h in the server).
using RecordingEventRenderer =
    std::function<std::string(const EventHeader&, const RecordingRecord&)>;

// How a recording ended, as finish_recording() writes it.
struct RecordingOutcome {
  RecordingState state = RecordingState::Ready;
  int64_t ended_at_ms = 0;
  int64_t duration_ms = 0;
  bool has_mp4 = false;
  // The node that must own it (its node_id); empty: any.
  std::string node_id;
};

class RecordingRepository {
 public:
  virtual ~RecordingRepository() = default;
  virtual Status create_recording(const RecordingRecord& record) = 0;
  virtual Result<std::optional<RecordingRecord>> get_recording(const std::string& recording_id) = 0;
  // Newest first; only rows with seq < before_seq when before_seq is set.
  virtual Result<std::vector<RecordingRecord>> list_recordings(
      const std::string& stream_id, int limit, std::optional<int64_t> before_seq) = 0;
  // Sets the outcome of a recording still in `recording` and owned by
  // outcome.node_id when set (NotFound otherwise); a Ready outcome adds a
  // recording.ready event.
  virtual Result<RecordingRecord> finish_recording(const std::string& recording_id,
                                                   const RecordingOutcome& outcome) = 0;
  // Removes the row (NotFound when absent) and adds a recording.deleted event,
  // unless it was still `recording` (never announced: a session without media).
  virtual Status remove_recording(const std::string& recording_id) = 0;
  // Removes a recording still open and owned by `node_id` (a session without
  // media, never announced: no event). NotFound otherwise.
  virtual Status discard_recording(const std::string& recording_id, const std::string& node_id) = 0;
  // Compare-and-set of the owner: gives an open recording owned by
  // `from_node` or released (node_id empty) to `node_id`. Of several nodes
  // claiming it at once exactly one wins; Conflict for the others, and for a
  // recording that is finished, gone or owned by yet another node.
  virtual Status claim_recording(const std::string& recording_id, const std::string& from_node,
                                 const std::string& node_id) = 0;
  // An open recording owned by `node_id` becomes nobody's (node_id empty): the
  // session went on elsewhere, whose node claims it. Conflict when it is not
  // (any more) this node's to release.
  virtual Status release_recording(const std::string& recording_id, const std::string& node_id) = 0;
  // Finished recordings whose expiry is at or before `now_ms`, oldest first.
  virtual Result<std::vector<RecordingRecord>> list_expired_recordings(int64_t now_ms,
                                                                       int limit) = 0;
  // Marks `failed` every recording still in `recording` of `node_id` and/or
  // `stream_id` (an empty one matches any; not both empty): the recordings of
  // a node that restarted, or of a session nobody holds any more. How many.
  virtual Result<int64_t> fail_open_recordings(const std::string& node_id,
                                               const std::string& stream_id, int64_t now_ms) = 0;
  // Marks `failed` the stream's released open recordings (node_id empty):
  // a new session of the stream started, so nobody will continue them. How many.
  virtual Result<int64_t> fail_released_recordings(const std::string& stream_id,
                                                   int64_t now_ms) = 0;

  // How events are rendered into the outbox (set once, before use).
  virtual void set_event_renderer(RecordingEventRenderer render) = 0;
};

}  // namespace antcdn::store
