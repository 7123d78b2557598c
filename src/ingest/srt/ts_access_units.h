#pragma once

// Turns the elementary-stream packets MPEG-TS carries (H.264 or H.265 in
// Annex B, AAC in ADTS, MP3, AC-3) into the tracks and access units of the
// AccessUnitSink seam, as FlvDemuxer does for RTMP: video waits for its first
// keyframe with parameter sets, tracks are announced once the configs are
// known (or announce_after_ms after the first, for a stream whose audio never
// comes), timestamps start at 0 and are monotonic per track. Sans-I/O: the
// caller demuxes (ts_demuxer.h) and hands packets in.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "common/result.h"
#include "media/access_unit_sink.h"

namespace antcdn::ingest::srt {

inline constexpr int kVideoTrackId = 1;
inline constexpr int kAudioTrackId = 2;

enum class TsCodec { H264, H265, Aac, Mp3, Ac3, Opus, Other };

struct TsPacket {
  media::MediaKind kind = media::MediaKind::Video;
  TsCodec codec = TsCodec::H264;
  std::string codec_name;  // for the error naming a codec we don't take
  int64_t dts_ms = 0;
  int64_t pts_ms = 0;
  bool keyframe = false;
  ByteSpan data;
  // What the demuxer knows of the stream (H.265 size, MP3/AC-3 rate).
  int width = 0;
  int height = 0;
  int sample_rate = 0;
  int channels = 0;
  ByteSpan codec_config;  // Opus: the OpusHead the demuxer built from the TS descriptor
};

struct TsAccessUnitsOptions {
  bool expect_audio = true;  // the program has an audio stream
  int64_t announce_after_ms = 1000;
  size_t max_pending_units = 2048;
  // Passthrough packages the source as it is, and H.265 cannot be: refused
  // with the reason instead.
  bool refuse_h265 = false;
};

class TsAccessUnits {
 public:
  TsAccessUnits(media::AccessUnitSink& sink, TsAccessUnitsOptions options)
      : sink_(sink), options_(options) {}

  // Unsupported names a codec we don't take; InvalidArgument for bytes that
  // do not parse; ResourceExhausted past the pending bound.
  Status on_packet(const TsPacket& packet, int64_t arrival_unix_ms);

  bool announced() const { return announced_; }
  std::optional<media::Codec> video_codec() const {
    return video_ ? std::optional(video_->codec) : std::nullopt;
  }
  uint64_t video_frames() const { return video_frames_; }
  uint64_t audio_frames() const { return audio_frames_; }

 private:
  Status on_video(const TsPacket& p, int64_t dts, int64_t pts, int64_t arrival);
  Status on_audio(const TsPacket& p, int64_t dts, int64_t arrival);
  Status video_config(const TsPacket& p, int64_t dts);
  Status emit(media::AccessUnit&& unit);
  void announce();

  media::AccessUnitSink& sink_;
  TsAccessUnitsOptions options_;
  std::optional<media::TrackInfo> video_;
  std::optional<media::TrackInfo> audio_;
  std::optional<int64_t> base_ms_;
  std::optional<int64_t> first_config_ms_;
  int64_t last_video_dts_ = INT64_MIN;
  int64_t last_audio_dts_ = INT64_MIN;
  bool announced_ = false;
  std::deque<media::AccessUnit> pending_;
  uint64_t video_frames_ = 0;
  uint64_t audio_frames_ = 0;
};

}  // namespace antcdn::ingest::srt
