#include "ingest/rtmp/flv_demuxer.h"

#include <algorithm>
#include <array>
#include <string>

#include "format/aac/audio_specific_config.h"
#include "format/avc/avc_decoder_config.h"
#include "format/avc/nal_units.h"
#include "format/avc/sps.h"
#include "format/flv/audio_tag.h"
#include "format/flv/video_tag.h"
#include "media/input_limits.h"

namespace antcdn::ingest::rtmp {
namespace {

constexpr int64_t kWrap = int64_t{1} << 32;
constexpr int64_t kHalfWrap = int64_t{1} << 31;
// What one held unit costs beyond its payload: the AccessUnit and the payload
// allocation's own header, so that tiny frames are not free.
constexpr size_t kUnitOverheadBytes = sizeof(media::AccessUnit) + 32;

// The tag's payload (a span into `body`) as a buffer of its own: the body
// itself, its FLV header cut off in place. The bytes reassembled from the RTMP
// chunks are then the ones the segment is built from; no second buffer.
Bytes take_payload(Bytes&& body, ByteSpan payload) {
  auto offset = static_cast<std::ptrdiff_t>(payload.data() - body.data());
  body.resize(static_cast<size_t>(offset) + payload.size());
  body.erase(body.begin(), body.begin() + offset);
  return std::move(body);
}

}  // namespace

int64_t FlvDemuxer::unwrap(uint32_t ts) {
  if (last_raw_) {
    auto diff = static_cast<int64_t>(ts) - static_cast<int64_t>(*last_raw_);
    if (diff < -kHalfWrap) {
      ++wraps_;
    } else if (diff > kHalfWrap && wraps_ > 0) {
      --wraps_;  // a late message from before the wrap
    }
  }
  last_raw_ = ts;
  return static_cast<int64_t>(ts) + wraps_ * kWrap;
}

// One offset for both tracks keeps audio and video in sync across a jump.
int64_t FlvDemuxer::smooth(int64_t ts, media::MediaKind kind) {
  int64_t out = ts + offset_;
  if (last_out_) {
    int64_t step = out - *last_out_;
    if (step < -options_.max_backward_jump_ms || step > options_.max_forward_jump_ms) {
      int64_t nominal = kind == media::MediaKind::Video ? 33 : 21;
      offset_ += *last_out_ + nominal - out;
      out = *last_out_ + nominal;
    }
  }
  last_out_ = std::max(last_out_.value_or(out), out);
  return out;
}

void FlvDemuxer::set_frame_rate_hint(double fps) {
  frame_rate_hint_ = media::sane_frame_rate(fps);
}

Status FlvDemuxer::on_media(media::MediaKind kind, uint32_t timestamp_ms, Bytes&& body,
                            int64_t arrival_unix_ms) {
  int64_t ts = smooth(unwrap(timestamp_ms), kind);
  Status s = kind == media::MediaKind::Video ? on_video(ts, std::move(body), arrival_unix_ms)
                                             : on_audio(ts, std::move(body), arrival_unix_ms);
  if (!s.ok()) {
    return s;
  }
  if (Status gap = check_keyframe_gap(ts, kind, false); !gap.ok()) {
    return gap;
  }
  if (!announced_ && video_ && audio_) {
    announce();
  } else if (!announced_ && first_config_ts_ &&
             ts - *first_config_ts_ >= options_.announce_after_ms) {
    if (!video_) {
      return make_error(Code::Unsupported,
                        "no H.264 video in the stream (audio-only is not supported)");
    }
    announce();
  }
  return {};
}

Status FlvDemuxer::on_video(int64_t ts, Bytes&& body, int64_t arrival) {
  auto tag = format::flv::parse_video_tag(body);
  if (!tag.ok()) {
    return tag.error();
  }
  if (tag->frame_type == format::flv::VideoFrameType::Command) {
    return {};
  }
  if (tag->packet_type == format::flv::AvcPacketType::SequenceHeader) {
    auto config = format::avc::AvcDecoderConfig::parse(tag->payload);
    if (!config.ok()) {
      return config.error().with_context("AVC sequence header");
    }
    if (config->sps.empty()) {
      return make_error(Code::InvalidArgument, "AVC sequence header without an SPS");
    }
    auto sps = format::avc::parse_sps(config->sps.front());
    if (!sps.ok()) {
      return sps.error().with_context("SPS");
    }
    if (Status size = media::check_picture_size(sps->width, sps->height); !size.ok()) {
      return size.error().with_context("SPS");
    }
    double sps_fps = media::sane_frame_rate(sps->frame_rate);
    // Everything downstream uses 4-byte NAL lengths.
    nal_length_size_ = config->nal_length_size;
    config->nal_length_size = 4;
    auto avcc = config->serialize();
    if (!avcc.ok()) {
      return avcc.error();
    }
    media::TrackInfo t{.id = kVideoTrackId,
                       .kind = media::MediaKind::Video,
                       .codec = media::Codec::H264,
                       .timescale = 1000,
                       .codec_config = std::move(*avcc),
                       .width = sps->width,
                       .height = sps->height,
                       .frame_rate = sps_fps > 0 ? sps_fps : frame_rate_hint_};
    if (announced_ && video_ && video_->codec_config != t.codec_config) {
      return make_error(Code::Unsupported,
                        "the encoder changed its video configuration mid-stream");
    }
    video_ = std::move(t);
    first_config_ts_ = first_config_ts_.value_or(ts);
    last_keyframe_ts_ = last_keyframe_ts_.value_or(ts);
    return {};
  }
  if (tag->packet_type != format::flv::AvcPacketType::Nalu || tag->payload.empty()) {
    return {};
  }
  if (!video_) {
    return {};  // frames before the sequence header cannot be decoded: drop them
  }
  Bytes data;
  if (nal_length_size_ == 4) {
    data = take_payload(std::move(body), tag->payload);
  } else {
    auto converted = format::avc::convert_nal_length_size(tag->payload, nal_length_size_, 4);
    if (!converted.ok()) {
      return converted.error();
    }
    data = std::move(*converted);
  }
  int64_t dts = std::max(ts, last_video_dts_ == INT64_MIN ? ts : last_video_dts_ + 1);
  last_video_dts_ = dts;
  ++video_frames_;
  if (tag->is_keyframe()) {
    (void)check_keyframe_gap(ts, media::MediaKind::Video, true);
  }
  return emit(media::AccessUnit{.track_id = kVideoTrackId,
                                .dts = dts,
                                .pts = dts + tag->composition_time_ms,
                                .keyframe = tag->is_keyframe(),
                                .arrival_unix_ms = arrival,
                                .data = std::move(data)});
}

// MP3 has no sequence header: the first frame makes the track, with the tag's
// rate and channel bits as hints (the decoder reads the frames' own headers).
Status FlvDemuxer::note_mp3_track(const format::flv::AudioTag& tag, int64_t ts) {
  if (audio_ && audio_->codec == media::Codec::Mp3) {
    return {};
  }
  if (audio_ || announced_) {
    // Audio that starts after the announcement is ignored, as for AAC.
    return audio_ ? make_error(Code::Unsupported,
                               "the encoder changed its audio configuration mid-stream")
                  : Status{};
  }
  static constexpr std::array<int, 4> kFlvRates = {5512, 11025, 22050, 44100};
  audio_ = media::TrackInfo{.id = kAudioTrackId,
                            .kind = media::MediaKind::Audio,
                            .codec = media::Codec::Mp3,
                            .timescale = 1000,
                            .sample_rate = kFlvRates.at(tag.rate_index),
                            .channels = tag.stereo ? 2 : 1};
  first_config_ts_ = first_config_ts_.value_or(ts);
  return {};
}

Status FlvDemuxer::on_audio(int64_t ts, Bytes&& body, int64_t arrival) {
  auto tag = format::flv::parse_audio_tag(body);
  if (!tag.ok()) {
    return tag.error();
  }
  if (tag->codec == format::flv::AudioCodec::Mp3 && !tag->payload.empty()) {
    if (Status s = note_mp3_track(*tag, ts); !s.ok()) {
      return s;
    }
  } else if (tag->packet_type == format::flv::AacPacketType::SequenceHeader) {
    auto asc = format::aac::AudioSpecificConfig::parse(tag->payload);
    if (!asc.ok()) {
      return asc.error().with_context("AAC sequence header");
    }
    uint32_t rate = asc->extension_sample_rate ? asc->extension_sample_rate : asc->sample_rate;
    // Only the rates of the AAC table: anything else (an explicit 24-bit rate)
    // is no encoder's output and would become the audio track's timescale.
    if (format::aac::index_for_sampling_frequency(rate) >= 13) {
      return make_error(Code::Unsupported, "AAC sample rate " + std::to_string(rate) +
                                               " Hz is not a standard AAC rate");
    }
    media::TrackInfo t{.id = kAudioTrackId,
                       .kind = media::MediaKind::Audio,
                       .codec = media::Codec::Aac,
                       .timescale = 1000,
                       .codec_config = Bytes(tag->payload.begin(), tag->payload.end()),
                       .sample_rate = static_cast<int>(rate),
                       .channels = asc->channels()};
    if (announced_ && !audio_) {
      return {};  // audio that starts after the tracks were announced is ignored
    }
    if (announced_ && audio_->codec_config != t.codec_config) {
      return make_error(Code::Unsupported,
                        "the encoder changed its audio configuration mid-stream");
    }
    audio_ = std::move(t);
    first_config_ts_ = first_config_ts_.value_or(ts);
    return {};
  }
  if (!audio_ || tag->payload.empty()) {
    return {};
  }
  if ((audio_->codec == media::Codec::Mp3) != (tag->codec == format::flv::AudioCodec::Mp3)) {
    return make_error(Code::Unsupported, "the encoder changed its audio codec mid-stream");
  }
  int64_t dts = std::max(ts, last_audio_dts_ == INT64_MIN ? ts : last_audio_dts_ + 1);
  last_audio_dts_ = dts;
  ++audio_frames_;
  return emit(media::AccessUnit{.track_id = kAudioTrackId,
                                .dts = dts,
                                .pts = dts,
                                .keyframe = true,
                                .arrival_unix_ms = arrival,
                                .data = take_payload(std::move(body), tag->payload)});
}

// Media time runs on either track: audio alone moves it when video stalls.
Status FlvDemuxer::check_keyframe_gap(int64_t ts, media::MediaKind kind, bool keyframe) {
  if (!video_ || !last_keyframe_ts_) {
    return {};
  }
  if (keyframe && kind == media::MediaKind::Video) {
    last_keyframe_ts_ = std::max(*last_keyframe_ts_, ts);
    return {};
  }
  if (ts - *last_keyframe_ts_ > options_.max_keyframe_gap_ms) {
    return make_error(Code::ResourceExhausted,
                      "no video keyframe for " +
                          std::to_string(options_.max_keyframe_gap_ms / 1000) +
                          " s of media (send one at least every 2 s)");
  }
  return {};
}

Status FlvDemuxer::emit(media::AccessUnit&& unit) {
  if (announced_) {
    sink_.on_access_unit(std::move(unit));
    return {};
  }
  // Bounded: a peer that never completes its configs (or never lets media
  // time advance) is refused rather than buffered for.
  if (pending_.size() >= options_.max_pending_units ||
      pending_bytes_ + unit.data.capacity() + kUnitOverheadBytes > options_.max_pending_bytes) {
    return make_error(Code::ResourceExhausted,
                      "more than " + std::to_string(options_.max_pending_units) + " frames or " +
                          std::to_string(options_.max_pending_bytes >> 20) +
                          " MB before the tracks could be announced (timestamps do not advance, "
                          "or a codec configuration is missing)");
  }
  pending_bytes_ += unit.data.capacity() + kUnitOverheadBytes;
  pending_.push_back(std::move(unit));
  return {};
}

void FlvDemuxer::announce() {
  std::vector<media::TrackInfo> tracks;
  tracks.push_back(*video_);
  if (audio_) {
    tracks.push_back(*audio_);
  }
  announced_ = true;
  sink_.on_tracks(tracks);
  for (auto& unit : pending_) {
    if (unit.track_id == kAudioTrackId && !audio_) {
      continue;
    }
    sink_.on_access_unit(std::move(unit));
  }
  pending_.clear();
  pending_bytes_ = 0;
}

}  // namespace antcdn::ingest::rtmp
