#pragma once

// AccessUnitSink in (the source), AccessUnitSink out (the packager): decodes
// the source once, scales it per rendition and encodes each with libx264, with
// IDR frames forced at the same presentation times in every rendition (one per
// segment boundary). Audio is passed through as its own track.
//
// Threads: the caller's thread only enqueues; one worker thread per stream
// decodes, scales and encodes (x264 adds its own threads per encoder) and is
// the only thread that calls the output sink. The input queue is bounded: when
// the worker falls behind (max_queued_video_frames or max_queued_video_bytes),
// video is shed until the next keyframe, counted and logged, so memory stays
// bounded and audio keeps flowing. Audio is never shed (that would be heard):
// past max_queued_audio_frames the worker is stalled or the publisher sends
// far faster than real time, and the stream fails (on_failed) instead.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "media/access_unit_sink.h"
#include "media/quality.h"
#include "transcode/transcode_metrics.h"

struct AVFrame;
struct AVPacket;

namespace antcdn::transcode {

struct TranscoderOptions {
  media::Quality quality = media::Quality::Standard;
  std::string preset = "veryfast";
  // x264 without lookahead or B-frames (tune zerolatency): each frame leaves the
  // encoder as soon as it is coded, for LL-HLS streams (latencyMode "low").
  bool low_latency = false;
  int64_t keyframe_interval_ms = 2000;  // = the packager's segment target
  size_t max_queued_video_frames = 90;  // ~3 s at 30 fps
  // 64 MB: 90 frames of a 1080p intra-heavy source at 40 Mbit/s take ~15 MB.
  size_t max_queued_video_bytes = size_t{64} * 1024 * 1024;
  // ~43 s of 48 kHz AAC: while video is bounded by the lines above, only a
  // stalled worker (or a publisher far faster than real time) queues this much.
  size_t max_queued_audio_frames = 2000;
  int decoder_threads = 1;
  int encoder_threads = 0;  // per rendition; 0: one per core
  // Scale smaller rungs from a larger rung's picture (Rendition::scale_from)
  // instead of from the source: about a third less scaling work, at a small
  // cost in fidelity on very sharp sources (docs/transcoding.md).
  bool scale_cascade = true;
  std::string stream_label;  // for log lines
  // Called on the worker thread when transcoding cannot go on (encoder failure).
  std::function<void(const std::string& reason)> on_failed;
  TranscodeMetrics* metrics = nullptr;  // borrowed, shared by the node's transcoders; may be null
  // Called on the caller's thread, under the queue's lock, each time video
  // starts being shed up to the next keyframe (the stream's health counts it).
  std::function<void()> on_gop_shed;
};

struct TranscoderStats {
  uint64_t frames_in = 0;
  uint64_t frames_shed = 0;
  uint64_t decode_errors = 0;
};

// Routes FFmpeg's own log lines (x264 statistics and the like) to errors only.
void quiet_ffmpeg_logs();

class Transcoder final : public media::AccessUnitSink {
 public:
  Transcoder(TranscoderOptions options, std::shared_ptr<media::AccessUnitSink> output);
  ~Transcoder() override;

  void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
  void on_access_unit(media::AccessUnit&& unit) override;
  void on_end(media::EndReason reason) override;

  TranscoderStats stats() const;
  // Blocks until every queued item has been processed (tests, benchmarks).
  void wait_idle();

 private:
  struct Session;
  using Item = std::variant<std::vector<media::TrackInfo>, media::AccessUnit, media::EndReason>;

  void enqueue(Item&& item);
  // Under mutex_: whether `unit` joins the queue (false: shed or refused);
  // sets `overflow` when the audio bound was passed just now.
  bool admit(const media::AccessUnit& unit, bool& overflow);
  // Under mutex_: the node-wide queue gauge follows this queue's units.
  void count_queued(int64_t delta);
  void run();
  // Worker thread only:
  void process(Item& item);
  void start_session(const std::vector<media::TrackInfo>& tracks);
  void finish_session();
  void transcode(media::AccessUnit& unit);
  void encode_frame(AVFrame* frame);
  void collect(size_t output, AVPacket* packet);
  void emit(media::AccessUnit&& unit);
  void fail(const std::string& reason);

  TranscoderOptions options_;
  std::shared_ptr<media::AccessUnitSink> output_;
  std::unique_ptr<Session> session_;  // worker thread only

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  size_t queued_video_ = 0;
  size_t queued_video_bytes_ = 0;
  size_t queued_audio_ = 0;
  bool audio_overflowed_ = false;  // reported once; later audio is dropped
  bool shedding_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  int video_track_ = -1;
  TranscoderStats stats_;
  std::thread worker_;
};

}  // namespace antcdn::transcode
