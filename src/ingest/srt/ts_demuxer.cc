#include "ingest/srt/ts_demuxer.h"

#include <algorithm>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

namespace antcdn::ingest::srt {
namespace {

constexpr int kIoBufferBytes = 64 * 1024;

TsCodec ts_codec(AVCodecID id) {
  switch (id) {
    case AV_CODEC_ID_H264:
      return TsCodec::H264;
    case AV_CODEC_ID_HEVC:
      return TsCodec::H265;
    case AV_CODEC_ID_AAC:
      return TsCodec::Aac;
    case AV_CODEC_ID_MP3:
      return TsCodec::Mp3;
    case AV_CODEC_ID_AC3:
      return TsCodec::Ac3;
    case AV_CODEC_ID_OPUS:
      return TsCodec::Opus;
    default:
      return TsCodec::Other;
  }
}

std::string av_error(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

}  // namespace

void TsDemuxer::IoDeleter::operator()(AVIOContext* io) const {
  av_freep(&io->buffer);
  avio_context_free(&io);
}
void TsDemuxer::FormatDeleter::operator()(AVFormatContext* f) const {
  avformat_close_input(&f);
}
void TsDemuxer::PacketDeleter::operator()(AVPacket* p) const {
  av_packet_free(&p);
}

int TsDemuxer::read_callback(void* self, uint8_t* buffer, int size) {
  int n = static_cast<TsDemuxer*>(self)->read_(buffer, size);
  return n > 0 ? n : AVERROR_EOF;
}

Result<std::unique_ptr<TsDemuxer>> TsDemuxer::open(ReadBytes read) {
  auto d = std::make_unique<TsDemuxer>();
  d->read_ = std::move(read);
  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
  d->io_.reset(avio_alloc_context(buffer, kIoBufferBytes, 0, d.get(), &TsDemuxer::read_callback,
                                  nullptr, nullptr));
  d->packet_.reset(av_packet_alloc());
  AVFormatContext* f = avformat_alloc_context();
  f->pb = d->io_.get();
  f->flags |= AVFMT_FLAG_CUSTOM_IO;
  // Live input: learn the streams from about a second of it.
  f->probesize = 1 << 20;
  f->max_analyze_duration = AV_TIME_BASE;
  const AVInputFormat* mpegts = av_find_input_format("mpegts");
  if (int err = avformat_open_input(&f, nullptr, mpegts, nullptr); err < 0) {
    return make_error(Code::InvalidArgument, "MPEG-TS: " + av_error(err));
  }
  d->format_.reset(f);
  if (int err = avformat_find_stream_info(f, nullptr); err < 0) {
    return make_error(Code::InvalidArgument, "MPEG-TS streams: " + av_error(err));
  }
  d->video_index_ = av_find_best_stream(f, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  d->audio_index_ = av_find_best_stream(f, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (d->video_index_ < 0) {
    return make_error(Code::Unsupported, "no video in the MPEG-TS (audio-only is not supported)");
  }
  return d;
}

Result<std::optional<TsPacket>> TsDemuxer::next() {
  for (;;) {
    av_packet_unref(packet_.get());
    int err = av_read_frame(format_.get(), packet_.get());
    if (err == AVERROR_EOF || err == AVERROR(EIO)) {
      return std::optional<TsPacket>();
    }
    if (err < 0) {
      return make_error(Code::InvalidArgument, "MPEG-TS: " + av_error(err));
    }
    const AVPacket* p = packet_.get();
    if (p->stream_index != video_index_ && p->stream_index != audio_index_) {
      continue;
    }
    if (p->dts == AV_NOPTS_VALUE && p->pts == AV_NOPTS_VALUE) {
      continue;  // nothing to place it by
    }
    const AVStream* stream = format_->streams[p->stream_index];
    const AVCodecParameters* par = stream->codecpar;
    AVRational ms{1, 1000};
    int64_t dts = av_rescale_q(p->dts != AV_NOPTS_VALUE ? p->dts : p->pts, stream->time_base, ms);
    int64_t pts = p->pts != AV_NOPTS_VALUE ? av_rescale_q(p->pts, stream->time_base, ms) : dts;
    return std::optional<TsPacket>(TsPacket{
        .kind = p->stream_index == video_index_ ? media::MediaKind::Video : media::MediaKind::Audio,
        .codec = ts_codec(par->codec_id),
        .codec_name = avcodec_get_name(par->codec_id),
        .dts_ms = dts,
        .pts_ms = pts,
        .keyframe = (p->flags & AV_PKT_FLAG_KEY) != 0,
        .data = ByteSpan(reinterpret_cast<const std::byte*>(p->data), static_cast<size_t>(p->size)),
        .width = par->width,
        .height = par->height,
        .sample_rate = par->sample_rate,
        .channels = par->ch_layout.nb_channels,
        .codec_config = ByteSpan(reinterpret_cast<const std::byte*>(par->extradata),
                                 static_cast<size_t>(std::max(par->extradata_size, 0)))});
  }
}

}  // namespace antcdn::ingest::srt
