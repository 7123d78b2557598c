#pragma once

// libavformat's MPEG-TS demuxer over a custom AVIOContext whose reads come
// from a callback (the SRT socket), so no URL or file is involved. Blocking:
// runs on the SRT session's own thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "common/result.h"
#include "ingest/srt/ts_access_units.h"

struct AVFormatContext;
struct AVIOContext;
struct AVPacket;

namespace antcdn::ingest::srt {

// Fills up to `size` bytes; returns how many, or 0 when the stream has ended.
using ReadBytes = std::function<int(uint8_t* buffer, int size)>;

class TsDemuxer {
 public:
  // Reads until the program's streams are known (at most ~1 s of media).
  static Result<std::unique_ptr<TsDemuxer>> open(ReadBytes read);
  TsDemuxer(const TsDemuxer&) = delete;
  TsDemuxer& operator=(const TsDemuxer&) = delete;

  bool has_audio() const { return audio_index_ >= 0; }
  // The next packet of the video or audio stream, or nullopt at the end. The
  // packet's bytes stay valid until the next call.
  Result<std::optional<TsPacket>> next();

  TsDemuxer() = default;

 private:
  static int read_callback(void* self, uint8_t* buffer, int size);

  struct IoDeleter {
    void operator()(AVIOContext* io) const;
  };
  struct FormatDeleter {
    void operator()(AVFormatContext* f) const;
  };
  struct PacketDeleter {
    void operator()(AVPacket* p) const;
  };

  ReadBytes read_;
  // Declared first, destroyed last: the format context reads through it.
  std::unique_ptr<AVIOContext, IoDeleter> io_;
  std::unique_ptr<AVFormatContext, FormatDeleter> format_;
  std::unique_ptr<AVPacket, PacketDeleter> packet_;
  int video_index_ = -1;
  int audio_index_ = -1;
};

}  // namespace antcdn::ingest::srt
