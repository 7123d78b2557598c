#include "format/hls/track_codec.h"

#include "format/aac/audio_specific_config.h"
#include "format/avc/avc_decoder_config.h"

namespace antcdn::format::hls {

std::string track_codec(const media::TrackInfo& t) {
  if (t.codec == media::Codec::H264) {
    auto c = avc::AvcDecoderConfig::parse(t.codec_config);
    return c.ok() ? c->codec_string() : "avc1.64001f";
  }
  auto c = aac::AudioSpecificConfig::parse(t.codec_config);
  return c.ok() ? c->codec_string() : "mp4a.40.2";
}

}  // namespace antcdn::format::hls
