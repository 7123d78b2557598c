#pragma once

// Turns the FLV tag bodies of one RTMP publish into typed, timestamped access
// units (sans-I/O). It waits for the codec configurations before announcing
// tracks, refuses codecs we don't take, and makes timestamps monotonic across
// the 32-bit wrap and encoder jumps.
//
// Bounds (docs/architecture.md, "Per-stream bounds"): what it holds before the
// announcement is limited in frames and bytes, a video track must bring a
// keyframe every max_keyframe_gap_ms of media time, and declared sizes, frame
// rates and sample rates are checked. Past a bound on_media returns
// ResourceExhausted (or Unsupported) naming it, and ingest fails that stream.

#include <cstdint>
#include <deque>
#include <optional>

#include "common/result.h"
#include "format/flv/audio_tag.h"
#include "media/access_unit_sink.h"

namespace antcdn::ingest::rtmp {

inline constexpr int kVideoTrackId = 1;
inline constexpr int kAudioTrackId = 2;

struct FlvDemuxerOptions {
  // Tracks are announced once both configs are known, or when this much media
  // has arrived after the first one (a stream without audio, say).
  int64_t announce_after_ms = 1000;
  // What is held before the announcement (at most ~2 s of media: one second
  // after the first config, plus what came before the second). 2,048 frames is
  // 6 s of 240 fps video with 96 kHz audio; 16 MB is 64 Mbit/s over 2 s. Bytes
  // count each unit's bookkeeping too, so a flood of 1-byte frames is bounded.
  size_t max_pending_units = 2048;
  size_t max_pending_bytes = size_t{16} * 1024 * 1024;
  // A video track whose media time (of either track) moves on this far past
  // its last keyframe (or its config) without another is refused: nothing
  // downstream could cut a segment, so it would buffer without end. Encoders
  // should send one every 2 s; see docs/operations.md.
  int64_t max_keyframe_gap_ms = 10000;
  // A timestamp step beyond these bounds is an encoder jump and is smoothed over.
  int64_t max_backward_jump_ms = 500;
  int64_t max_forward_jump_ms = 10000;
};

class FlvDemuxer {
 public:
  explicit FlvDemuxer(media::AccessUnitSink& sink, FlvDemuxerOptions options = {})
      : sink_(sink), options_(options) {}

  // One audio (kind Audio) or video message body, taken over: a frame's bytes
  // become its access unit's without a copy. Unsupported for codecs we don't
  // take, InvalidArgument for malformed tags.
  Status on_media(media::MediaKind kind, uint32_t timestamp_ms, Bytes&& body,
                  int64_t arrival_unix_ms);
  // onMetaData hints (used only when the bitstream does not say); a rate
  // outside (0, 240] (infinite, negative, absurd) is ignored.
  void set_frame_rate_hint(double fps);

  bool announced() const { return announced_; }
  uint64_t video_frames() const { return video_frames_; }
  uint64_t audio_frames() const { return audio_frames_; }

 private:
  Status on_video(int64_t ts, Bytes&& body, int64_t arrival);
  Status on_audio(int64_t ts, Bytes&& body, int64_t arrival);
  Status note_mp3_track(const format::flv::AudioTag& tag, int64_t ts);
  int64_t unwrap(uint32_t ts);
  int64_t smooth(int64_t ts, media::MediaKind kind);
  Status emit(media::AccessUnit&& unit);
  Status check_keyframe_gap(int64_t ts, media::MediaKind kind, bool keyframe);
  void announce();

  media::AccessUnitSink& sink_;
  FlvDemuxerOptions options_;
  std::optional<media::TrackInfo> video_;
  std::optional<media::TrackInfo> audio_;
  int nal_length_size_ = 4;
  double frame_rate_hint_ = 0;
  bool announced_ = false;
  std::deque<media::AccessUnit> pending_;
  size_t pending_bytes_ = 0;
  std::optional<int64_t> first_config_ts_;
  std::optional<int64_t> last_keyframe_ts_;  // or the video config's time, before the first
  // Timestamp state.
  std::optional<uint32_t> last_raw_;
  int64_t wraps_ = 0;
  int64_t offset_ = 0;
  std::optional<int64_t> last_out_;
  int64_t last_video_dts_ = INT64_MIN;
  int64_t last_audio_dts_ = INT64_MIN;
  uint64_t video_frames_ = 0;
  uint64_t audio_frames_ = 0;
};

}  // namespace antcdn::ingest::rtmp
