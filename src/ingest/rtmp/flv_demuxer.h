#pragma once

// Turns the FLV tag bodies of one RTMP publish into typed, timestamped access
// units (sans-I/O). It waits for the codec configurations before announcing
// tracks, refuses codecs we don't take, and makes timestamps monotonic across
// the 32-bit wrap and encoder jumps.

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "media/access_unit_sink.h"

namespace antcdn::ingest::rtmp {

inline constexpr int kVideoTrackId = 1;
inline constexpr int kAudioTrackId = 2;

struct FlvDemuxerOptions {
  // Tracks are announced once both configs are known, or when this much media
  // has arrived after the first one (a stream without audio, say).
  int64_t announce_after_ms = 1000;
  // Access units held before the announcement; more is a protocol error.
  size_t max_pending_bytes = size_t{16} * 1024 * 1024;
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
  // onMetaData hints (used only when the bitstream does not say).
  void set_frame_rate_hint(double fps) { frame_rate_hint_ = fps; }

  bool announced() const { return announced_; }
  uint64_t video_frames() const { return video_frames_; }
  uint64_t audio_frames() const { return audio_frames_; }

 private:
  Status on_video(int64_t ts, Bytes&& body, int64_t arrival);
  Status on_audio(int64_t ts, Bytes&& body, int64_t arrival);
  int64_t unwrap(uint32_t ts);
  int64_t smooth(int64_t ts, media::MediaKind kind);
  void emit(media::AccessUnit&& unit);
  void announce();

  media::AccessUnitSink& sink_;
  FlvDemuxerOptions options_;
  std::optional<media::TrackInfo> video_;
  std::optional<media::TrackInfo> audio_;
  int nal_length_size_ = 4;
  double frame_rate_hint_ = 0;
  bool announced_ = false;
  std::vector<media::AccessUnit> pending_;
  size_t pending_bytes_ = 0;
  std::optional<int64_t> first_config_ts_;
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
