#pragma once

// AccessUnitSink in, AccessUnitSink out: a source audio track that players
// cannot take as it is (MP3, Opus, AC-3, HE-AAC, AAC at unusual rates or with
// more than two channels) is decoded, resampled and encoded to AAC-LC stereo
// at 48 kHz; video and audio that plays as it is pass straight through. It sits
// right in front of the packager, so every quality gets the same audio.
//
// Threads: runs on the caller's thread: the transcoder's worker for the
// standard and high ladders; for passthrough the ingest thread (the RTMP loop,
// an SRT session's thread) and on_end on the lifecycle thread. A frame costs
// about 0.36 ms of CPU (MP3 44.1 kHz stereo in, 1.7 % of a core per stream;
// bench/README.md) and never waits on anything.
//
// Timing: output frames follow the source's first timestamp by the number of
// samples encoded, one AAC frame (21 ms) later than the source because the
// encoder's priming frame is played too. A forward gap of more than 200 ms in
// the source (a stalled encoder) restarts the count at the new time; audio that
// overlaps what was already converted is dropped.

#include <functional>
#include <memory>
#include <string>

#include "media/access_unit_sink.h"

namespace antcdn::transcode {

struct AudioConverterOptions {
  int sample_rate = 48000;
  int bitrate = 128000;
  std::string stream_label;  // for log lines
  // Called when a track cannot be converted (no decoder, say); the stream fails.
  std::function<void(const std::string& reason)> on_failed;
};

// Whether an audio track is packaged as it is: AAC-LC with 1024-sample frames
// at 44.1 or 48 kHz, mono or stereo (what every HLS player decodes).
bool plays_as_is(const media::TrackInfo& track);

class AudioConverter final : public media::AccessUnitSink {
 public:
  AudioConverter(AudioConverterOptions options, std::shared_ptr<media::AccessUnitSink> output);
  ~AudioConverter() override;

  void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
  void on_access_unit(media::AccessUnit&& unit) override;
  void on_end(media::EndReason reason) override;

  uint64_t decode_errors() const { return decode_errors_; }

 private:
  struct Conversion;

  void convert(const media::AccessUnit& unit);
  void encode(bool flush);
  void fail(const std::string& reason);

  AudioConverterOptions options_;
  std::shared_ptr<media::AccessUnitSink> output_;
  std::unique_ptr<Conversion> conversion_;  // while an audio track is converted
  uint64_t decode_errors_ = 0;
};

}  // namespace antcdn::transcode
