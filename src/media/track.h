#pragma once

// Description of one elementary stream crossing a stage seam.

#include <cstdint>
#include <string>

#include "common/bytes.h"

namespace antcdn::media {

// Mp3, Opus and Ac3 only arrive from ingest: the transcode stage turns them
// into AAC (transcode/audio_converter.h) before anything packages them. H265
// (from SRT) is decoded by the transcoder and never packaged as it is.
enum class Codec { H264, H265, Aac, Mp3, Opus, Ac3 };
enum class MediaKind { Video, Audio };

struct TrackInfo {
  int id = 0;  // unique within one session (ingest uses 1 = video, 2 = audio)
  MediaKind kind = MediaKind::Video;
  Codec codec = Codec::H264;
  uint32_t timescale = 1000;  // units of AccessUnit::dts/pts per second
  // H.264: AVCDecoderConfigurationRecord (avcC payload).
  // H.265: its VPS, SPS and PPS in Annex B (start codes); its units are Annex B too.
  // AAC: AudioSpecificConfig. Opus: its OpusHead. MP3, AC-3: empty.
  Bytes codec_config;
  // Video.
  int width = 0;
  int height = 0;
  double frame_rate = 0;  // 0 when unknown
  // Audio.
  int sample_rate = 0;
  int channels = 0;
  // Nominal bitrate in bits/s if known (0 otherwise); the packager measures the real one.
  int64_t bitrate = 0;
};

}  // namespace antcdn::media
