// Fuzzes H.264 config parsing (avcC, SPS) and the NAL framing helpers.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/avc/annex_b.h"
#include "format/avc/avc_decoder_config.h"
#include "format/avc/nal_units.h"
#include "format/avc/sps.h"

using namespace antcdn;
using namespace antcdn::format;

namespace {

void check(bool invariant) {
  if (!invariant) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan in(reinterpret_cast<const std::byte*>(data), size);

  auto config = avc::AvcDecoderConfig::parse(in);
  if (config.ok()) {
    auto bytes = config->serialize();
    check(bytes.ok());
    auto again = avc::AvcDecoderConfig::parse(*bytes);
    check(again.ok() && again->sps == config->sps && again->pps == config->pps &&
          again->nal_length_size == config->nal_length_size);
    for (const Bytes& sps : config->sps) {
      (void)avc::parse_sps(sps);
    }
    if (!config->pps.empty()) {
      (void)avc::AvcDecoderConfig::from_parameter_sets(config->sps, config->pps);
    }
  }

  auto sps = avc::parse_sps(in);
  if (sps.ok()) {
    check(sps->width > 0 && sps->height > 0 && sps->width <= 16384 && sps->height <= 32768);
  }

  // Annex B -> AVCC must always give well-formed AVCC that converts back.
  Bytes avcc = avc::annex_b_to_avcc(in);
  auto nals = avc::split_avcc(avcc, 4);
  check(nals.ok());
  check(avc::avcc_to_annex_b(avcc, 4).ok());

  for (int from : {1, 2, 4}) {
    auto converted = avc::convert_nal_length_size(in, from, 4);
    if (converted.ok()) {
      auto back = avc::convert_nal_length_size(*converted, 4, from);
      check(back.ok());
    }
    (void)avc::contains_idr(in, from);
    (void)avc::remove_nal_units(in, from, {avc::NalType::Aud, avc::NalType::Sps});
  }
  return 0;
}
