// Fuzzes what SRT ingest does with bytes it did not choose: the streamid
// parser (the first line) and TsAccessUnits over packets cut from the rest
// (per packet: one byte of kind (bit 0), codec (bits 1-3), keyframe (bit 4),
// two of length, then the bytes),
// which must never read past a packet or announce video without a config.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/srt/stream_id.h"
#include "ingest/srt/ts_access_units.h"

using namespace antcdn;
using namespace antcdn::ingest::srt;

namespace {

struct CheckingSink final : media::AccessUnitSink {
  bool announced = false;
  void on_tracks(const std::vector<media::TrackInfo>& tracks) override {
    if (tracks.empty() || tracks[0].kind != media::MediaKind::Video ||
        tracks[0].codec_config.empty()) {
      std::abort();  // video first, always with its configuration
    }
    announced = true;
  }
  void on_access_unit(media::AccessUnit&& unit) override {
    if (!announced) {
      std::abort();  // a unit before its track
    }
  }
  void on_end(media::EndReason /*reason*/) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  (void)stream_key_from_stream_id(input.substr(0, newline));
  if (newline == std::string_view::npos) {
    return 0;
  }
  ByteSpan rest(reinterpret_cast<const std::byte*>(data) + newline + 1, size - newline - 1);
  CheckingSink sink;
  TsAccessUnits units(sink, {.expect_audio = true, .max_pending_units = 64});
  int64_t ms = 0;
  while (rest.size() >= 3) {
    auto head = static_cast<uint8_t>(rest[0]);
    size_t length = (static_cast<size_t>(rest[1]) << 8 | static_cast<size_t>(rest[2]));
    rest = rest.subspan(3);
    length = std::min(length, rest.size());
    static constexpr TsCodec kCodecs[] = {TsCodec::H264, TsCodec::H265, TsCodec::Aac,
                                          TsCodec::Mp3,  TsCodec::Ac3,  TsCodec::Other};
    TsPacket p{.kind = (head & 1) ? media::MediaKind::Audio : media::MediaKind::Video,
               .codec = kCodecs[((head >> 1) & 7) % 6],
               .codec_name = "fuzz",
               .dts_ms = ms,
               .pts_ms = ms + (head >> 5),
               .keyframe = (head & 0x10) != 0,
               .data = rest.first(length),
               .width = 640,
               .height = 360,
               .sample_rate = 48000,
               .channels = 2};
    ms += 20;
    if (!units.on_packet(p, 0).ok()) {
      break;
    }
    rest = rest.subspan(length);
  }
  return 0;
}
