#include "transcode/audio_converter.h"

#include <optional>

#include <spdlog/spdlog.h>

#include "format/aac/audio_specific_config.h"
#include "transcode/av/aac_encoder.h"
#include "transcode/av/audio_decoder.h"
#include "transcode/av/resampler.h"

namespace antcdn::transcode {
namespace {

// A forward jump of the source's clock beyond this restarts the sample count.
constexpr int64_t kMaxGapMs = 200;

}  // namespace

bool plays_as_is(const media::TrackInfo& track) {
  if (track.codec != media::Codec::Aac) {
    return false;
  }
  auto asc = format::aac::AudioSpecificConfig::parse(track.codec_config);
  return asc.ok() && asc->object_type == format::aac::kObjectTypeAacLc && !asc->frame_length_960 &&
         (asc->sample_rate == 44100 || asc->sample_rate == 48000) &&
         (asc->channels() == 1 || asc->channels() == 2);
}

struct AudioConverter::Conversion {
  int track_id = 0;
  std::unique_ptr<av::AudioDecoder> decoder;
  std::unique_ptr<av::Resampler> resampler;
  std::unique_ptr<av::AacEncoder> encoder;
  std::optional<int64_t> base_ms;  // the source time of sample 0
  int64_t queued_samples = 0;      // output samples handed to the resampler so far
  int64_t encoded_samples = 0;     // output samples handed to the encoder so far
  int64_t arrival_unix_ms = 0;     // of the latest source unit
};

AudioConverter::AudioConverter(AudioConverterOptions options,
                               std::shared_ptr<media::AccessUnitSink> output)
    : options_(std::move(options)), output_(std::move(output)) {}

AudioConverter::~AudioConverter() = default;

void AudioConverter::fail(const std::string& reason) {
  spdlog::error("transcode: {}: audio: {}", options_.stream_label, reason);
  conversion_.reset();
  if (options_.on_failed) {
    options_.on_failed(reason);
  }
}

void AudioConverter::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  conversion_.reset();
  std::vector<media::TrackInfo> out;
  for (const auto& t : tracks) {
    if (t.kind != media::MediaKind::Audio || plays_as_is(t) || conversion_) {
      out.push_back(t);
      continue;
    }
    auto decoder = av::AudioDecoder::open(t);
    auto encoder = av::AacEncoder::open(options_.sample_rate, options_.bitrate);
    if (!decoder.ok() || !encoder.ok()) {
      output_->on_tracks(out);
      fail((decoder.ok() ? encoder.error() : decoder.error()).describe());
      return;
    }
    auto c = std::make_unique<Conversion>();
    c->track_id = t.id;
    c->decoder = std::move(*decoder);
    c->encoder = std::move(*encoder);
    c->resampler =
        std::make_unique<av::Resampler>(options_.sample_rate, c->encoder->frame_samples());
    out.push_back(media::TrackInfo{.id = t.id,
                                   .kind = media::MediaKind::Audio,
                                   .codec = media::Codec::Aac,
                                   .timescale = 1000,
                                   .codec_config = c->encoder->audio_specific_config(),
                                   .sample_rate = options_.sample_rate,
                                   .channels = 2,
                                   .bitrate = options_.bitrate});
    conversion_ = std::move(c);
  }
  output_->on_tracks(out);
}

void AudioConverter::on_access_unit(media::AccessUnit&& unit) {
  if (!conversion_ || unit.track_id != conversion_->track_id) {
    output_->on_access_unit(std::move(unit));
    return;
  }
  convert(unit);
}

void AudioConverter::convert(const media::AccessUnit& unit) {
  Conversion& c = *conversion_;
  const int64_t rate = options_.sample_rate;
  c.base_ms = c.base_ms.value_or(unit.dts);
  c.arrival_unix_ms = unit.arrival_unix_ms;
  int64_t expected_ms = *c.base_ms + c.queued_samples * 1000 / rate;
  if (unit.dts < expected_ms - kMaxGapMs) {
    return;  // overlaps what was converted already
  }
  if (unit.dts > expected_ms + kMaxGapMs) {
    // The source stalled: what is buffered belongs before the gap.
    c.resampler->clear();
    c.queued_samples = (unit.dts - *c.base_ms) * rate / 1000;
    c.encoded_samples = c.queued_samples;
  }
  Status resampled;
  Status decoded = c.decoder->decode(unit, [&](AVFrame* frame) {
    if (resampled.ok()) {
      resampled = c.resampler->push(*frame);
      c.queued_samples +=
          frame->sample_rate > 0 ? frame->nb_samples * rate / frame->sample_rate : 0;
    }
  });
  if (!decoded.ok() || !resampled.ok()) {
    ++decode_errors_;
    if (decode_errors_ == 1 || decode_errors_ % 100 == 0) {
      spdlog::warn("transcode: {}: {} audio frames could not be converted so far (last: {})",
                   options_.stream_label, decode_errors_,
                   (decoded.ok() ? resampled : decoded).error().message);
    }
  }
  encode(false);
}

// Feeds the encoder every whole frame buffered (with `flush`, the rest padded
// with silence, then drains it) and hands its packets on.
void AudioConverter::encode(bool flush) {
  Conversion& c = *conversion_;
  const int64_t rate = options_.sample_rate;
  const int64_t frame_samples = c.encoder->frame_samples();
  auto emit = [&](AVPacket* p) {
    // pts starts one frame early (priming); the priming frame is kept, so
    // output time is the packet's position in the stream.
    int64_t position = p->pts + frame_samples;
    int64_t dts = *c.base_ms + position * 1000 / rate;
    output_->on_access_unit(
        media::AccessUnit{.track_id = c.track_id,
                          .dts = dts,
                          .pts = dts,
                          .keyframe = true,
                          .arrival_unix_ms = c.arrival_unix_ms,
                          .data = Bytes(reinterpret_cast<const std::byte*>(p->data),
                                        reinterpret_cast<const std::byte*>(p->data) + p->size)});
  };
  while (true) {
    auto frame = c.resampler->pop(flush);
    if (!frame.ok()) {
      fail(frame.error().describe());
      return;
    }
    if (*frame == nullptr) {
      break;
    }
    (*frame)->pts = c.encoded_samples;
    c.encoded_samples += frame_samples;
    if (Status s = c.encoder->encode(*frame, emit); !s.ok()) {
      fail(s.error().describe());
      return;
    }
  }
  if (flush) {
    (void)c.encoder->encode(nullptr, emit);
  }
}

void AudioConverter::on_end(media::EndReason reason) {
  // An abandoned stream writes nothing more; otherwise the tail is heard.
  if (conversion_ && conversion_->base_ms && reason != media::EndReason::Abandoned) {
    encode(true);
  }
  conversion_.reset();
  output_->on_end(reason);
}

}  // namespace antcdn::transcode
