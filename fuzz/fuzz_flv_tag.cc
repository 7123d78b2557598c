// Fuzzes the ingest path for FLV tag bodies (as carried in RTMP audio/video
// messages) and the codec configs they carry, plus the whole-file FLV reader.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/aac/adts_header.h"
#include "format/aac/audio_specific_config.h"
#include "format/avc/avc_decoder_config.h"
#include "format/avc/nal_units.h"
#include "format/flv/audio_tag.h"
#include "format/flv/video_tag.h"
#include "support/format/flv_reader.h"

using namespace antcdn;
using namespace antcdn::format;

namespace {

void check(bool invariant) {
  if (!invariant) {
    std::abort();
  }
}

void fuzz_video(ByteSpan body) {
  auto tag = flv::parse_video_tag(body);
  if (!tag.ok()) {
    return;
  }
  check(tag->payload.empty() ||
        (tag->payload.data() >= body.data() &&
         tag->payload.data() + tag->payload.size() <= body.data() + body.size()));
  if (tag->packet_type == flv::AvcPacketType::SequenceHeader) {
    auto config = avc::AvcDecoderConfig::parse(tag->payload);
    if (config.ok()) {
      auto bytes = config->serialize();
      check(bytes.ok());
      auto again = avc::AvcDecoderConfig::parse(*bytes);
      check(again.ok() && again->sps == config->sps && again->pps == config->pps);
    }
  } else if (tag->packet_type == flv::AvcPacketType::Nalu) {
    for (int n : {1, 2, 4}) {
      (void)avc::contains_idr(tag->payload, n);
    }
  }
}

void fuzz_audio(ByteSpan body) {
  auto tag = flv::parse_audio_tag(body);
  if (!tag.ok() || tag->packet_type != flv::AacPacketType::SequenceHeader) {
    return;
  }
  auto asc = aac::AudioSpecificConfig::parse(tag->payload);
  if (!asc.ok()) {
    return;
  }
  auto again = aac::AudioSpecificConfig::parse(asc->serialize());
  check(again.ok());
  check(again->object_type == asc->object_type && again->sample_rate == asc->sample_rate &&
        again->channel_config == asc->channel_config &&
        again->extension_channel_config == asc->extension_channel_config &&
        again->core_object_type == asc->core_object_type &&
        again->extension_sample_rate == asc->extension_sample_rate &&
        again->frame_length_960 == asc->frame_length_960);
  (void)asc->codec_string();
}

void fuzz_file(ByteSpan data) {
  (void)flv::read_flv_file(data);
  // Streaming in two pieces must agree with the whole-buffer reader on tag count.
  flv::FlvReader reader;
  size_t pos = 0;
  while (pos < data.size()) {
    auto step = reader.next(data.subspan(pos));
    if (!step.ok() || step->consumed == 0) {
      break;
    }
    check(step->consumed <= data.size() - pos);
    pos += step->consumed;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan in(reinterpret_cast<const std::byte*>(data), size);
  fuzz_video(in);
  fuzz_audio(in);
  fuzz_file(in);
  (void)aac::AdtsHeader::parse(in);
  return 0;
}
