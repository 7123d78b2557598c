#include "ingest/srt/ts_access_units.h"

#include <algorithm>
#include <vector>

#include "format/aac/adts_header.h"
#include "format/avc/annex_b.h"
#include "format/avc/avc_decoder_config.h"
#include "format/avc/sps.h"
#include "media/input_limits.h"

namespace antcdn::ingest::srt {
namespace {

constexpr int kAacFrameSamples = 1024;

uint8_t h264_type(ByteSpan nal) {
  return nal.empty() ? 0 : static_cast<uint8_t>(nal[0]) & 0x1f;
}
uint8_t h265_type(ByteSpan nal) {
  return nal.empty() ? 0 : (static_cast<uint8_t>(nal[0]) >> 1) & 0x3f;
}

// H.264: avcC from the SPS and PPS of a keyframe, and the picture it describes.
Result<media::TrackInfo> h264_track(ByteSpan access_unit) {
  std::vector<Bytes> sps;
  std::vector<Bytes> pps;
  for (ByteSpan nal : format::avc::split_annex_b(access_unit)) {
    if (h264_type(nal) == 7) {
      sps.emplace_back(nal.begin(), nal.end());
    } else if (h264_type(nal) == 8) {
      pps.emplace_back(nal.begin(), nal.end());
    }
  }
  if (sps.empty() || pps.empty()) {
    return make_error(Code::InvalidArgument, "H.264 keyframe without SPS and PPS");
  }
  auto parsed = format::avc::parse_sps(sps.front());
  if (!parsed.ok()) {
    return parsed.error().with_context("SPS");
  }
  auto config = format::avc::AvcDecoderConfig::from_parameter_sets(std::move(sps), std::move(pps));
  if (!config.ok()) {
    return config.error();
  }
  auto avcc = config->serialize();
  if (!avcc.ok()) {
    return avcc.error();
  }
  return media::TrackInfo{.id = kVideoTrackId,
                          .kind = media::MediaKind::Video,
                          .codec = media::Codec::H264,
                          .codec_config = std::move(*avcc),
                          .width = parsed->width,
                          .height = parsed->height,
                          .frame_rate = media::sane_frame_rate(parsed->frame_rate)};
}

// H.265: its VPS, SPS and PPS as they came (Annex B), for the decoder.
Result<media::TrackInfo> h265_track(ByteSpan access_unit, int width, int height) {
  ByteWriter w;
  int found = 0;
  for (ByteSpan nal : format::avc::split_annex_b(access_unit)) {
    uint8_t type = h265_type(nal);
    if (type >= 32 && type <= 34) {
      found |= 1 << (type - 32);
      w.u32be(1);  // start code
      w.bytes(nal);
    }
  }
  if (found != 7) {
    return make_error(Code::InvalidArgument, "H.265 keyframe without VPS, SPS and PPS");
  }
  return media::TrackInfo{.id = kVideoTrackId,
                          .kind = media::MediaKind::Video,
                          .codec = media::Codec::H265,
                          .codec_config = std::move(w).take(),
                          .width = width,
                          .height = height};
}

}  // namespace

Status TsAccessUnits::on_packet(const TsPacket& p, int64_t arrival) {
  base_ms_ = base_ms_.value_or(p.dts_ms);
  int64_t dts = p.dts_ms - *base_ms_;
  Status s = p.kind == media::MediaKind::Video ? on_video(p, dts, p.pts_ms - *base_ms_, arrival)
                                               : on_audio(p, dts, arrival);
  if (!s.ok()) {
    return s;
  }
  bool configs_known = video_ && (audio_ || !options_.expect_audio);
  bool waited = first_config_ms_ && dts - *first_config_ms_ >= options_.announce_after_ms;
  if (!announced_ && video_ && (configs_known || waited)) {
    announce();
  }
  return {};
}

Status TsAccessUnits::video_config(const TsPacket& p, int64_t dts) {
  if (p.codec == TsCodec::H265 && options_.refuse_h265) {
    return make_error(Code::Unsupported,
                      "H.265 cannot be packaged as it is (quality passthrough): use standard or "
                      "high, which transcode it to H.264");
  }
  auto track =
      p.codec == TsCodec::H264 ? h264_track(p.data) : h265_track(p.data, p.width, p.height);
  if (!track.ok()) {
    return track.error();
  }
  if (Status size = media::check_picture_size(track->width, track->height); !size.ok()) {
    return size;
  }
  video_ = std::move(*track);
  first_config_ms_ = first_config_ms_.value_or(dts);
  return {};
}

Status TsAccessUnits::on_video(const TsPacket& p, int64_t dts, int64_t pts, int64_t arrival) {
  if (p.codec != TsCodec::H264 && p.codec != TsCodec::H265) {
    return make_error(Code::Unsupported,
                      "video codec " + p.codec_name + " is not supported (H.264 or H.265)");
  }
  if (!video_) {
    if (!p.keyframe) {
      return {};  // nothing decodes before the first keyframe
    }
    if (Status s = video_config(p, dts); !s.ok()) {
      return s;
    }
  }
  dts = std::max(dts, last_video_dts_ == INT64_MIN ? dts : last_video_dts_ + 1);
  last_video_dts_ = dts;
  ++video_frames_;
  Bytes data = p.codec == TsCodec::H264 ? format::avc::annex_b_to_avcc(p.data)
                                        : Bytes(p.data.begin(), p.data.end());
  return emit(media::AccessUnit{.track_id = kVideoTrackId,
                                .dts = dts,
                                .pts = std::max(pts, dts),
                                .keyframe = p.keyframe,
                                .arrival_unix_ms = arrival,
                                .data = std::move(data)});
}

Status TsAccessUnits::on_audio(const TsPacket& p, int64_t dts, int64_t arrival) {
  if (p.codec == TsCodec::Other || p.codec == TsCodec::H264 || p.codec == TsCodec::H265) {
    return make_error(Code::Unsupported,
                      "audio codec " + p.codec_name + " is not supported (AAC, MP3, AC-3 or Opus)");
  }
  if (p.codec != TsCodec::Aac) {
    // Converted to AAC behind ingest (transcode::AudioConverter).
    if (!audio_) {
      audio_ = media::TrackInfo{.id = kAudioTrackId,
                                .kind = media::MediaKind::Audio,
                                .codec = p.codec == TsCodec::Mp3   ? media::Codec::Mp3
                                         : p.codec == TsCodec::Ac3 ? media::Codec::Ac3
                                                                   : media::Codec::Opus,
                                .codec_config = Bytes(p.codec_config.begin(), p.codec_config.end()),
                                .sample_rate = p.sample_rate,
                                .channels = p.channels};
      first_config_ms_ = first_config_ms_.value_or(dts);
    }
    dts = std::max(dts, last_audio_dts_ == INT64_MIN ? dts : last_audio_dts_ + 1);
    last_audio_dts_ = dts;
    ++audio_frames_;
    return emit(media::AccessUnit{.track_id = kAudioTrackId,
                                  .dts = dts,
                                  .pts = dts,
                                  .keyframe = true,
                                  .arrival_unix_ms = arrival,
                                  .data = Bytes(p.data.begin(), p.data.end())});
  }
  // A PES may hold several ADTS frames: one unit each, 1024 samples apart.
  ByteSpan rest = p.data;
  for (int i = 0; !rest.empty(); ++i) {
    auto header = format::aac::AdtsHeader::parse(rest);
    if (!header.ok()) {
      return header.error();
    }
    if (header->frame_length > rest.size()) {
      return make_error(Code::InvalidArgument, "adts: frame longer than its PES");
    }
    ByteSpan payload = rest.subspan(header->header_size, header->payload_size());
    rest = rest.subspan(header->frame_length);
    if (!audio_) {
      auto config = header->audio_specific_config();
      if (!config.ok()) {
        return config.error();
      }
      audio_ = media::TrackInfo{.id = kAudioTrackId,
                                .kind = media::MediaKind::Audio,
                                .codec = media::Codec::Aac,
                                .codec_config = config->serialize(),
                                .sample_rate = static_cast<int>(config->sample_rate),
                                .channels = config->channels()};
      first_config_ms_ = first_config_ms_.value_or(dts);
    }
    int64_t at = dts + int64_t{i} * kAacFrameSamples * 1000 / std::max(1, audio_->sample_rate);
    at = std::max(at, last_audio_dts_ == INT64_MIN ? at : last_audio_dts_ + 1);
    last_audio_dts_ = at;
    ++audio_frames_;
    if (Status s = emit(media::AccessUnit{.track_id = kAudioTrackId,
                                          .dts = at,
                                          .pts = at,
                                          .keyframe = true,
                                          .arrival_unix_ms = arrival,
                                          .data = Bytes(payload.begin(), payload.end())});
        !s.ok()) {
      return s;
    }
  }
  return {};
}

Status TsAccessUnits::emit(media::AccessUnit&& unit) {
  if (announced_) {
    sink_.on_access_unit(std::move(unit));
    return {};
  }
  if (pending_.size() >= options_.max_pending_units) {
    return make_error(Code::ResourceExhausted,
                      "more than " + std::to_string(options_.max_pending_units) +
                          " frames before the tracks could be announced (no video keyframe?)");
  }
  pending_.push_back(std::move(unit));
  return {};
}

void TsAccessUnits::announce() {
  std::vector<media::TrackInfo> tracks{*video_};
  if (audio_) {
    tracks.push_back(*audio_);
  }
  announced_ = true;
  sink_.on_tracks(tracks);
  for (auto& unit : pending_) {
    sink_.on_access_unit(std::move(unit));
  }
  pending_.clear();
}

}  // namespace antcdn::ingest::srt
