#include "record/mp4_remux.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

namespace antcdn::record {
namespace {

std::string av_text(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(averror, buf, sizeof buf);
  return buf;
}

Error av_error(std::string_view what, int averror) {
  return make_error(Code::Internal, "mp4 remux: " + std::string(what) + ": " + av_text(averror));
}

struct InputDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct OutputDeleter {
  void operator()(AVFormatContext* c) const { avformat_free_context(c); }
};
struct IoDeleter {
  void operator()(AVIOContext* io) const {
    if (io != nullptr) {
      av_freep(&io->buffer);
    }
    avio_context_free(&io);
  }
};
// An output opened with avio_open: closing flushes it, and reports a failed
// final write that only shows then.
struct FileIoDeleter {
  void operator()(AVIOContext* io) const { avio_closep(&io); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using InputPtr = std::unique_ptr<AVFormatContext, InputDeleter>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;
using IoPtr = std::unique_ptr<AVIOContext, IoDeleter>;
using FileIoPtr = std::unique_ptr<AVIOContext, FileIoDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

constexpr int kIoBufferSize = 64 * 1024;

// Reads a session's init section and segments as one file, fetching one
// object at a time from the store (a recording may be hours long: only the
// object being read is in memory).
class ChainReader {
 public:
  ChainReader(storage::ObjectStore& objects, const RemuxSession& s) : objects_(objects) {
    parts_.push_back(s.init);
    parts_.insert(parts_.end(), s.segments.begin(), s.segments.end());
    for (const auto& p : parts_) {
      size_ += static_cast<int64_t>(p.bytes);
    }
  }

  // What made a read fail (AVERROR(EIO) tells libavformat only that one did).
  const Status& error() const { return error_; }

  static int read(void* opaque, uint8_t* buf, int size) {
    auto* self = static_cast<ChainReader*>(opaque);
    int done = 0;
    while (done < size && self->pos_ < self->size_) {
      int64_t base = 0;
      size_t i = 0;
      while (self->pos_ >= base + static_cast<int64_t>(self->parts_[i].bytes)) {
        base += static_cast<int64_t>(self->parts_[i++].bytes);
      }
      const Bytes* data = self->load(i);
      if (data == nullptr) {
        return AVERROR(EIO);
      }
      int64_t off = self->pos_ - base;
      auto take = static_cast<int>(
          std::min<int64_t>(static_cast<int64_t>(data->size()) - off, size - done));
      if (take <= 0) {
        self->error_ = make_error(Code::Internal, "mp4 remux: " + self->parts_[i].key +
                                                      " is shorter than when it was written");
        return AVERROR(EIO);
      }
      std::memcpy(buf + done, data->data() + off, static_cast<size_t>(take));
      done += take;
      self->pos_ += take;
    }
    return done > 0 ? done : AVERROR_EOF;
  }

  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<ChainReader*>(opaque);
    if ((whence & AVSEEK_SIZE) != 0) {
      return self->size_;
    }
    int64_t to = (whence & 3) == SEEK_SET   ? offset
                 : (whence & 3) == SEEK_CUR ? self->pos_ + offset
                                            : self->size_ + offset;
    if (to < 0 || to > self->size_) {
      return AVERROR(EINVAL);
    }
    self->pos_ = to;
    return to;
  }

 private:
  // Part `i`'s bytes (the one held, or read now); null on a store error. Read
  // as a range (its known size), which a CachedStore passes through without
  // keeping: a long recording read back must not flush the edge's cache.
  const Bytes* load(size_t i) {
    if (loaded_index_ != i || !loaded_) {
      auto got = objects_.get_range(parts_[i].key, 0, parts_[i].bytes);
      if (!got.ok()) {
        error_ = got.error();
        return nullptr;
      }
      loaded_ = std::move(got->data);
      loaded_index_ = i;
    }
    return &*loaded_;
  }

  storage::ObjectStore& objects_;
  std::vector<RemuxPart> parts_;
  std::optional<Bytes> loaded_;
  size_t loaded_index_ = 0;
  int64_t size_ = 0;
  int64_t pos_ = 0;
  Status error_;
};

// A reading context over `opaque`'s callbacks.
IoPtr make_input_io(void* opaque, int (*read)(void*, uint8_t*, int),
                    int64_t (*seek)(void*, int64_t, int)) {
  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferSize));
  if (buffer == nullptr) {
    return nullptr;
  }
  AVIOContext* io = avio_alloc_context(buffer, kIoBufferSize, 0, opaque, read, nullptr, seek);
  if (io == nullptr) {
    av_free(buffer);
  }
  return IoPtr(io);
}

// One track's sessions, read one after the other as one packet sequence whose
// timestamps (in the output stream's time base) continue across sessions.
class TrackReader {
 public:
  TrackReader(storage::ObjectStore& objects, const RemuxTrack& track)
      : objects_(objects), track_(track) {}

  // Opens the first session; its stream's parameters describe the track.
  Result<const AVStream*> open() {
    if (auto s = open_session(0); !s.ok()) {
      return s.error();
    }
    return input_->streams[0];
  }

  void set_output(AVStream* out) { out_ = out; }

  // The next packet, rescaled to the output's time base; false at the end.
  Result<bool> next(AVPacket* pkt) {
    while (input_) {
      int r = av_read_frame(input_.get(), pkt);
      if (r == 0) {
        if (pkt->stream_index != 0) {
          av_packet_unref(pkt);
          continue;
        }
        av_packet_rescale_ts(pkt, input_->streams[0]->time_base, out_->time_base);
        if (!offset_) {
          // This session continues at the end of the previous one.
          int64_t first = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
          offset_ = end_ - first;
        }
        if (pkt->pts != AV_NOPTS_VALUE) {
          pkt->pts += *offset_;
        }
        if (pkt->dts != AV_NOPTS_VALUE) {
          pkt->dts += *offset_;
        }
        int64_t stamp = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
        end_ = std::max(end_, stamp + std::max<int64_t>(pkt->duration, 0));
        pkt->stream_index = out_->index;
        last_dts_ = pkt->dts;
        return true;
      }
      if (r != AVERROR_EOF) {
        return reader_ && !reader_->error().ok() ? reader_->error().error()
                                                 : av_error("reading a segment", r);
      }
      if (auto s = open_session(session_ + 1); !s.ok()) {
        return s.error();
      }
    }
    return false;
  }

  // Where the next packet would be, in seconds: the merge writes the earlier first.
  double position_s() const { return last_dts_ * av_q2d(out_->time_base); }

 private:
  Status open_session(size_t index) {
    input_.reset();
    io_.reset();
    reader_.reset();
    session_ = index;
    offset_.reset();
    if (index >= track_.size()) {
      return {};
    }
    reader_ = std::make_unique<ChainReader>(objects_, track_[index]);
    io_ = make_input_io(reader_.get(), &ChainReader::read, &ChainReader::seek);
    AVFormatContext* ctx = avformat_alloc_context();
    if (!io_ || ctx == nullptr) {
      avformat_free_context(ctx);
      return make_error(Code::ResourceExhausted, "mp4 remux: out of memory");
    }
    ctx->pb = io_.get();
    ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
    const AVInputFormat* mov = av_find_input_format("mp4");
    if (int r = avformat_open_input(&ctx, nullptr, mov, nullptr); r < 0) {
      // ctx is freed on failure
      return !reader_->error().ok() ? reader_->error().error() : av_error("opening a session", r);
    }
    input_.reset(ctx);
    if (int r = avformat_find_stream_info(ctx, nullptr); r < 0) {
      return av_error("reading a session's streams", r);
    }
    if (ctx->nb_streams < 1) {
      return make_error(Code::InvalidArgument, "mp4 remux: a session has no stream");
    }
    return {};
  }

  storage::ObjectStore& objects_;
  const RemuxTrack& track_;
  size_t session_ = 0;
  std::unique_ptr<ChainReader> reader_;
  IoPtr io_;
  InputPtr input_;
  AVStream* out_ = nullptr;
  std::optional<int64_t> offset_;
  int64_t end_ = 0;
  int64_t last_dts_ = std::numeric_limits<int64_t>::min() / 2;
};

}  // namespace

Status remux_mp4(storage::ObjectStore& objects, const RemuxTrack& video, const RemuxTrack& audio,
                 const std::filesystem::path& out_file) {
  if (video.empty()) {
    return make_error(Code::InvalidArgument, "mp4 remux: no video");
  }
  std::vector<std::unique_ptr<TrackReader>> readers;
  readers.push_back(std::make_unique<TrackReader>(objects, video));
  if (!audio.empty()) {
    readers.push_back(std::make_unique<TrackReader>(objects, audio));
  }
  AVFormatContext* raw = nullptr;
  if (int r = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr); r < 0) {
    return av_error("creating the MP4 muxer", r);
  }
  OutputPtr out(raw);
  // A file, not memory: a recording may be hours long. The muxer seeks back to
  // write box sizes, and the index goes at the end.
  AVIOContext* file_io = nullptr;
  if (int r = avio_open(&file_io, out_file.c_str(), AVIO_FLAG_WRITE); r < 0) {
    return av_error("opening " + out_file.string(), r);
  }
  FileIoPtr out_io(file_io);
  out->pb = out_io.get();
  out->flags |= AVFMT_FLAG_CUSTOM_IO;
  for (auto& reader : readers) {
    auto in = reader->open();
    if (!in.ok()) {
      return in.error();
    }
    AVStream* s = avformat_new_stream(out.get(), nullptr);
    if (s == nullptr) {
      return make_error(Code::ResourceExhausted, "mp4 remux: out of memory");
    }
    if (int r = avcodec_parameters_copy(s->codecpar, (*in)->codecpar); r < 0) {
      return av_error("copying codec parameters", r);
    }
    s->codecpar->codec_tag = 0;
    s->time_base = (*in)->time_base;
    reader->set_output(s);
  }
  if (int r = avformat_write_header(out.get(), nullptr); r < 0) {
    return av_error("writing the MP4 header", r);
  }
  // The muxer may have changed the time bases: readers rescale to what it chose.
  PacketPtr pkt(av_packet_alloc());
  std::vector<PacketPtr> held;
  std::vector<bool> done(readers.size(), false);
  for (size_t i = 0; i < readers.size(); ++i) {
    held.emplace_back(av_packet_alloc());
  }
  // Merge by decode time: each reader holds its next packet.
  auto refill = [&](size_t i) -> Status {
    auto more = readers[i]->next(held[i].get());
    if (!more.ok()) {
      return more.error();
    }
    done[i] = !*more;
    return {};
  };
  for (size_t i = 0; i < readers.size(); ++i) {
    if (auto s = refill(i); !s.ok()) {
      return s.error();
    }
  }
  for (;;) {
    size_t pick = readers.size();
    for (size_t i = 0; i < readers.size(); ++i) {
      if (!done[i] &&
          (pick == readers.size() || readers[i]->position_s() < readers[pick]->position_s())) {
        pick = i;
      }
    }
    if (pick == readers.size()) {
      break;
    }
    if (int r = av_interleaved_write_frame(out.get(), held[pick].get()); r < 0) {
      return av_error("writing a packet", r);
    }
    if (auto s = refill(pick); !s.ok()) {
      return s.error();
    }
  }
  if (int r = av_write_trailer(out.get()); r < 0) {
    return av_error("writing the MP4 index", r);
  }
  avio_flush(out_io.get());
  if (out_io->error < 0) {
    return av_error("writing " + out_file.string(), out_io->error);
  }
  AVIOContext* closing = out_io.release();
  if (int r = avio_closep(&closing); r < 0) {
    return av_error("closing " + out_file.string(), r);
  }
  return {};
}

}  // namespace antcdn::record
