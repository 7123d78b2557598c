#include "ingest/srt/srt_session.h"

#include <array>
#include <future>
#include <mutex>

#include <spdlog/spdlog.h>
#include <srt/srt.h>

#include "common/time_util.h"
#include "ingest/srt/stream_id.h"
#include "ingest/srt/ts_access_units.h"
#include "ingest/srt/ts_demuxer.h"

namespace antcdn::ingest::srt {
namespace {

std::string stream_id_of(SRTSOCKET socket) {
  std::array<char, 513> buffer{};
  int length = static_cast<int>(buffer.size() - 1);
  if (srt_getsockflag(socket, SRTO_STREAMID, buffer.data(), &length) != 0 || length < 0) {
    return {};
  }
  return std::string(buffer.data(), static_cast<size_t>(length));
}

// Waits (this thread may block) for the gate's answer, at most `limit`.
Result<lifecycle::PublishGrant> authorize(lifecycle::PublishGate& gate, std::string key,
                                          const std::string& remote, SRTSOCKET socket,
                                          std::chrono::milliseconds limit) {
  // Shared with the callback: an answer after this thread gave up is a grant
  // nobody feeds, so the callback ends it at once.
  struct Answer {
    std::mutex mutex;
    bool abandoned = false;
    std::promise<Result<lifecycle::PublishGrant>> promise;
  };
  auto answer = std::make_shared<Answer>();
  auto future = answer->promise.get_future();
  gate.authorize(lifecycle::PublishRequest{.stream_key = Secret(std::move(key)),
                                           .remote_address = remote,
                                           // srt_close may be called from any thread: the
                                           // blocked read returns and the session ends.
                                           .disconnect = [socket] { srt_close(socket); }},
                 [answer, &gate](Result<lifecycle::PublishGrant> grant) {
                   std::unique_lock lock(answer->mutex);
                   if (answer->abandoned) {
                     lock.unlock();
                     if (grant.ok()) {
                       gate.on_stopped(*grant, media::EndReason::Dropped, "");
                     }
                     return;
                   }
                   answer->promise.set_value(std::move(grant));
                 });
  if (future.wait_for(limit) != std::future_status::ready) {
    std::lock_guard lock(answer->mutex);
    if (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      answer->abandoned = true;
      return make_error(Code::Unavailable, "no answer from the stream store in time");
    }
  }
  return future.get();
}

struct Outcome {
  media::EndReason reason = media::EndReason::Dropped;
  std::string detail;
};

// Demuxes the socket's TS into the grant's sink until it ends.
// Bumps the node's (and with --metrics-per-stream the stream's) counters.
class Counting {
 public:
  Counting(rtmp::IngestMetrics* metrics, const std::string& stream_id)
      : metrics_(metrics),
        stream_(metrics != nullptr ? metrics->for_stream(stream_id) : std::nullopt) {
    if (metrics_ != nullptr) {
      metrics_->publishers.add(1);
    }
  }
  ~Counting() {
    if (metrics_ != nullptr) {
      metrics_->publishers.sub(1);
    }
  }
  Counting(const Counting&) = delete;
  Counting& operator=(const Counting&) = delete;

  void bytes(int n) {
    if (metrics_ != nullptr) {
      metrics_->bytes.inc(n);
    }
    if (stream_) {
      stream_->bytes->inc(n);
    }
  }
  void frames(uint64_t video, uint64_t audio) {
    if (metrics_ != nullptr) {
      metrics_->video_frames.inc(video);
      metrics_->audio_frames.inc(audio);
    }
    if (stream_) {
      stream_->video_frames->inc(video);
      stream_->audio_frames->inc(audio);
    }
  }

 private:
  rtmp::IngestMetrics* metrics_;
  std::optional<rtmp::StreamIngestCounters> stream_;
};

Outcome publish(SRTSOCKET socket, const lifecycle::PublishGrant& grant, uint64_t id,
                rtmp::IngestMetrics* metrics) {
  Counting counting(metrics, grant.stream_id);
  auto read = [socket, &counting](uint8_t* buffer, int size) {
    int n = srt_recvmsg(socket, reinterpret_cast<char*>(buffer), size);
    if (n > 0) {
      counting.bytes(n);
    }
    return n > 0 ? n : 0;
  };
  auto demuxer = TsDemuxer::open(read);
  Status failed;
  std::unique_ptr<TsAccessUnits> units;
  if (demuxer.ok()) {
    units = std::make_unique<TsAccessUnits>(
        *grant.sink,
        TsAccessUnitsOptions{.expect_audio = (*demuxer)->has_audio(),
                             .refuse_h265 = grant.quality == media::Quality::Passthrough});
    for (;;) {
      auto packet = (*demuxer)->next();
      if (!packet.ok()) {
        failed = packet.error();
        break;
      }
      if (!*packet) {
        break;
      }
      uint64_t video = units->video_frames();
      uint64_t audio = units->audio_frames();
      Status s = units->on_packet(**packet, unix_now_ms());
      counting.frames(units->video_frames() - video, units->audio_frames() - audio);
      if (!s.ok()) {
        failed = s;
        break;
      }
    }
  } else {
    failed = demuxer.error();
  }
  if (units) {
    spdlog::info("ingest.srt conn={} stream={} ended ({} video, {} audio frames)", id,
                 grant.stream_id, units->video_frames(), units->audio_frames());
  }
  if (!failed.ok() && (failed.error().code == Code::Unsupported ||
                       failed.error().code == Code::ResourceExhausted)) {
    return {media::EndReason::Failed, failed.error().message};
  }
  if (!failed.ok()) {
    spdlog::warn("ingest.srt conn={} stream={}: {}", id, grant.stream_id,
                 failed.error().describe());
  }
  return {};
}

}  // namespace

void run_srt_session(int socket, const std::string& remote, uint64_t id,
                     const SrtSessionContext& context) {
  // Reads give up after the idle timeout: a stalled caller is dropped.
  int idle_ms = static_cast<int>(context.options.idle_timeout.count());
  bool blocking = true;
  srt_setsockflag(socket, SRTO_RCVSYN, &blocking, sizeof(blocking));
  srt_setsockflag(socket, SRTO_RCVTIMEO, &idle_ms, sizeof(idle_ms));
  auto key = stream_key_from_stream_id(stream_id_of(socket));
  bool allowed = false;
  {
    std::lock_guard lock(context.limiter_mutex);
    allowed = context.limiter.allowed(remote, unix_now_ms());
  }
  if (!key.ok() || !allowed) {
    spdlog::warn(
        "ingest.srt conn={} remote={} refused: {}", id, remote,
        key.ok() ? "too many failed stream key attempts; wait a minute" : key.error().message);
    srt_close(socket);
    return;
  }
  auto grant =
      authorize(context.gate, std::move(*key), remote, socket, context.options.publish_deadline);
  if (!grant.ok()) {
    if (grant.error().code == Code::Unauthenticated) {
      std::lock_guard lock(context.limiter_mutex);
      context.limiter.record_failure(remote, unix_now_ms());
    }
    spdlog::warn("ingest.srt conn={} remote={} publish refused: {}", id, remote,
                 grant.error().message);
    srt_close(socket);
    return;
  }
  spdlog::info("ingest.srt conn={} remote={} stream={} publishing{}", id, remote, grant->stream_id,
               grant->resumed ? " (reconnect)" : "");
  Outcome outcome = publish(socket, *grant, id, context.options.metrics);
  srt_close(socket);
  context.gate.on_stopped(*grant, outcome.reason, outcome.detail);
}

}  // namespace antcdn::ingest::srt
