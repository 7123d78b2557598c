#include "transcode/transcoder.h"

#include <map>

#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/log.h>
}

#include "format/avc/annex_b.h"
#include "transcode/av/scaler.h"
#include "transcode/av/video_decoder.h"
#include "transcode/av/video_encoder.h"
#include "transcode/ladder.h"
#include "transcode/output_merger.h"

namespace antcdn::transcode {
namespace {

constexpr int kFirstRenditionTrackId = 11;

}  // namespace

// Everything one encoder session (one publish attachment) needs.
struct Transcoder::Session {
  struct Output {
    std::unique_ptr<av::Scaler> scaler;
    std::unique_ptr<av::VideoEncoder> encoder;
    int track_id = 0;
    int scale_from = -1;  // Rendition::scale_from
  };
  std::unique_ptr<av::VideoDecoder> decoder;
  std::vector<Output> outputs;
  int source_track = -1;
  int audio_track = -1;
  std::unique_ptr<OutputMerger> merger;
  std::optional<int64_t> next_keyframe_ms;
  std::vector<AVFrame*> pictures;             // per output, for the frame being encoded
  std::map<int64_t, int64_t> arrival_by_pts;  // source pts -> ingest wall clock
  Status encode_status;                       // of the frame being encoded
};

void quiet_ffmpeg_logs() {
  av_log_set_level(AV_LOG_ERROR);
}

Transcoder::Transcoder(TranscoderOptions options, std::shared_ptr<media::AccessUnitSink> output)
    : options_(std::move(options)), output_(std::move(output)), worker_([this] { run(); }) {}

Transcoder::~Transcoder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void Transcoder::on_tracks(const std::vector<media::TrackInfo>& tracks) {
  {
    std::lock_guard lock(mutex_);
    video_track_ = -1;
    for (const auto& t : tracks) {
      if (t.kind == media::MediaKind::Video && video_track_ < 0) {
        video_track_ = t.id;
      }
    }
  }
  enqueue(tracks);
}

bool Transcoder::admit(const media::AccessUnit& unit, bool& overflow) {
  if (unit.track_id != video_track_) {
    if (audio_overflowed_) {
      return false;
    }
    if (queued_audio_ >= options_.max_queued_audio_frames) {
      audio_overflowed_ = overflow = true;
      return false;
    }
    ++queued_audio_;
    count_queued(1);
    return true;
  }
  ++stats_.frames_in;
  // Shed whole GOPs: after a drop nothing decodes until the next keyframe.
  if (shedding_ && !unit.keyframe) {
    ++stats_.frames_shed;
    if (options_.metrics != nullptr) {
      options_.metrics->shed_frames.inc();
    }
    return false;
  }
  shedding_ = false;
  if (queued_video_ >= options_.max_queued_video_frames ||
      queued_video_bytes_ + unit.data.size() > options_.max_queued_video_bytes) {
    shedding_ = true;
    ++stats_.frames_shed;
    if (options_.metrics != nullptr) {
      options_.metrics->shed_gops.inc();
      options_.metrics->shed_frames.inc();
    }
    if (options_.on_gop_shed) {
      options_.on_gop_shed();
    }
    if (stats_.frames_shed == 1 || stats_.frames_shed % 300 == 0) {
      spdlog::warn("transcode: {} cannot keep up with real time; {} frames shed so far",
                   options_.stream_label, stats_.frames_shed);
    }
    return false;
  }
  ++queued_video_;
  queued_video_bytes_ += unit.data.size();
  count_queued(1);
  return true;
}

void Transcoder::count_queued(int64_t delta) {
  if (options_.metrics != nullptr) {
    options_.metrics->queued_frames.add(delta);
  }
}

void Transcoder::on_access_unit(media::AccessUnit&& unit) {
  bool overflow = false;
  bool admitted = false;
  {
    std::lock_guard lock(mutex_);
    admitted = admit(unit, overflow);
  }
  if (overflow) {
    std::string reason = "transcode: more than " +
                         std::to_string(options_.max_queued_audio_frames) +
                         " audio frames queued (the transcoder is stalled or the publisher sends "
                         "faster than real time)";
    spdlog::error("transcode: {}: {}", options_.stream_label, reason);
    if (options_.on_failed) {
      options_.on_failed(reason);
    }
  }
  if (admitted) {
    enqueue(std::move(unit));
  }
}

void Transcoder::on_end(media::EndReason reason) {
  enqueue(reason);
}

void Transcoder::enqueue(Item&& item) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
}

TranscoderStats Transcoder::stats() const {
  std::lock_guard lock(mutex_);
  TranscoderStats s = stats_;
  return s;
}

void Transcoder::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Transcoder::run() {
  while (true) {
    Item item;
    {
      std::unique_lock lock(mutex_);
      busy_ = false;
      if (queue_.empty()) {
        idle_.notify_all();
      }
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and nothing left to do
      }
      item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      if (const auto* u = std::get_if<media::AccessUnit>(&item)) {
        if (u->track_id == video_track_) {
          --queued_video_;
          queued_video_bytes_ -= u->data.size();
        } else {
          --queued_audio_;
        }
        count_queued(-1);
      }
    }
    process(item);
  }
}

void Transcoder::fail(const std::string& reason) {
  spdlog::error("transcode: {}: {}", options_.stream_label, reason);
  session_.reset();
  if (options_.on_failed) {
    options_.on_failed(reason);
  }
}

void Transcoder::emit(media::AccessUnit&& unit) {
  output_->on_access_unit(std::move(unit));
}

void Transcoder::process(Item& item) {
  if (auto* tracks = std::get_if<std::vector<media::TrackInfo>>(&item)) {
    start_session(*tracks);
  } else if (auto* reason = std::get_if<media::EndReason>(&item)) {
    finish_session();
    output_->on_end(*reason);
  } else {
    transcode(std::get<media::AccessUnit>(item));
  }
}

void Transcoder::start_session(const std::vector<media::TrackInfo>& tracks) {
  auto s = std::make_unique<Session>();
  const media::TrackInfo* video = nullptr;
  const media::TrackInfo* audio = nullptr;
  for (const auto& t : tracks) {
    if (t.kind == media::MediaKind::Video && !video) {
      video = &t;
    } else if (t.kind == media::MediaKind::Audio && !audio) {
      audio = &t;
    }
  }
  auto ladder =
      video ? ladder_for(options_.quality, video->width, video->height) : std::vector<Rendition>{};
  if (ladder.empty()) {
    fail("no video renditions for this source");
    return;
  }
  s->source_track = video->id;
  auto decoder = av::VideoDecoder::open(*video, options_.decoder_threads);
  if (!decoder.ok()) {
    fail(decoder.error().describe());
    return;
  }
  s->decoder = std::move(*decoder);
  double fps = video->frame_rate > 0 ? video->frame_rate : 30.0;
  // One x264 thread per core for each rendition: x264's own default (1.5 per
  // core) cost 4-8 % more CPU for the same output with several encoders on a
  // 2-core machine (bench/transcode_bench ... X264_THREADS).
  int encoder_threads = options_.encoder_threads > 0
                            ? options_.encoder_threads
                            : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::vector<media::TrackInfo> out;
  for (size_t i = 0; i < ladder.size(); ++i) {
    const Rendition& r = ladder[i];
    auto encoder =
        av::VideoEncoder::open(av::EncoderSettings{.width = r.width,
                                                   .height = r.height,
                                                   .frame_rate = fps,
                                                   .bitrate_kbps = r.bitrate_kbps,
                                                   .maxrate_kbps = r.maxrate_kbps,
                                                   .bufsize_kbps = r.bufsize_kbps,
                                                   .preset = options_.preset,
                                                   .threads = encoder_threads,
                                                   .zero_latency = options_.low_latency});
    if (!encoder.ok()) {
      fail(encoder.error().describe());
      return;
    }
    int id = kFirstRenditionTrackId + static_cast<int>(i);
    out.push_back(media::TrackInfo{.id = id,
                                   .kind = media::MediaKind::Video,
                                   .codec = media::Codec::H264,
                                   .timescale = 1000,
                                   .codec_config = (*encoder)->avcc(),
                                   .width = r.width,
                                   .height = r.height,
                                   .frame_rate = fps,
                                   .bitrate = int64_t{r.bitrate_kbps} * 1000});
    Session::Output& o = s->outputs.emplace_back();
    o.scaler = std::make_unique<av::Scaler>(r.width, r.height);
    o.encoder = std::move(*encoder);
    o.track_id = id;
    o.scale_from = options_.scale_cascade ? r.scale_from : -1;
  }
  if (audio) {
    s->audio_track = audio->id;
    out.push_back(*audio);  // copied; the AudioConverter behind converts what players cannot take
  }
  s->pictures.resize(s->outputs.size());
  s->merger = std::make_unique<OutputMerger>(s->outputs.size());
  session_ = std::move(s);
  output_->on_tracks(out);
}

void Transcoder::finish_session() {
  if (!session_) {
    return;
  }
  Session& s = *session_;
  s.decoder->drain([&](AVFrame* frame) { encode_frame(frame); });
  for (size_t i = 0; i < s.outputs.size(); ++i) {
    (void)s.outputs[i].encoder->encode(nullptr, false, [&](AVPacket* p) { collect(i, p); });
  }
  s.merger->flush([this](media::AccessUnit&& u) { emit(std::move(u)); });
  session_.reset();
}

void Transcoder::transcode(media::AccessUnit& unit) {
  if (!session_) {
    return;
  }
  Session& s = *session_;
  auto release = [this](media::AccessUnit&& u) { emit(std::move(u)); };
  if (unit.track_id == s.audio_track) {
    if (Status held = s.merger->push_audio(std::move(unit)); !held.ok()) {
      fail(held.error().describe());
      return;
    }
    s.merger->release(release);
    return;
  }
  if (unit.track_id != s.source_track) {
    return;
  }
  s.arrival_by_pts[unit.pts] = unit.arrival_unix_ms;
  s.encode_status = Status{};
  if (auto st = s.decoder->decode(unit, [&](AVFrame* frame) { encode_frame(frame); }); !st.ok()) {
    std::lock_guard lock(mutex_);
    ++stats_.decode_errors;
    if (stats_.decode_errors == 1 || stats_.decode_errors % 100 == 0) {
      spdlog::warn("transcode: {}: {} corrupt frames skipped so far (last: {})",
                   options_.stream_label, stats_.decode_errors, st.error().message);
    }
  }
  if (!s.encode_status.ok()) {
    fail(s.encode_status.error().describe());
    return;
  }
  s.merger->release(release);
}

void Transcoder::encode_frame(AVFrame* frame) {
  Session& s = *session_;
  int64_t pts = frame->pts;
  bool keyframe = !s.next_keyframe_ms || pts >= *s.next_keyframe_ms;
  if (keyframe) {
    // Boundaries stay on a fixed grid from the first frame; a jump in the
    // source restarts the grid.
    int64_t next = s.next_keyframe_ms ? *s.next_keyframe_ms + options_.keyframe_interval_ms
                                      : pts + options_.keyframe_interval_ms;
    s.next_keyframe_ms = next > pts ? next : pts + options_.keyframe_interval_ms;
  }
  for (size_t i = 0; i < s.outputs.size() && s.encode_status.ok(); ++i) {
    auto& o = s.outputs[i];
    // A rung at its input's size takes that picture itself: libx264 copies
    // what it is given.
    AVFrame* input = o.scale_from < 0 ? frame : s.pictures[o.scale_from];
    AVFrame* picture = input;
    if (!o.scaler->is_noop_for(*input)) {
      auto scaled = o.scaler->scale(input);
      if (!scaled.ok()) {
        s.encode_status = scaled.error();
        return;
      }
      picture = *scaled;
    }
    s.pictures[i] = picture;
    s.encode_status = o.encoder->encode(picture, keyframe, [&](AVPacket* p) { collect(i, p); });
  }
  // Keep a few seconds of arrival times for the encoders' delayed output.
  s.arrival_by_pts.erase(s.arrival_by_pts.begin(), s.arrival_by_pts.lower_bound(pts - 10000));
}

void Transcoder::collect(size_t output, AVPacket* p) {
  Session& s = *session_;
  auto arrival = s.arrival_by_pts.find(p->pts);
  Status held = s.merger->push_video(
      output, media::AccessUnit{
                  .track_id = s.outputs[output].track_id,
                  .dts = p->dts,
                  .pts = p->pts,
                  .keyframe = (p->flags & AV_PKT_FLAG_KEY) != 0,
                  .arrival_unix_ms = arrival != s.arrival_by_pts.end() ? arrival->second : 0,
                  .data = format::avc::annex_b_to_avcc(ByteSpan(
                      reinterpret_cast<const std::byte*>(p->data), static_cast<size_t>(p->size)))});
  if (!held.ok() && s.encode_status.ok()) {
    s.encode_status = held;  // fails the stream once the frame is encoded
  }
}

}  // namespace antcdn::transcode
