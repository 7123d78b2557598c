#include "api/dto.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "common/time_util.h"

namespace antcdn::api {
namespace json = boost::json;
namespace {

Error invalid(std::string message) {
  return invalid_request(std::move(message));
}

Result<json::object> parse_object(std::string_view body) {
  return parse_json_object(body);
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return n;
}

Result<std::string> read_name(const json::value& v) {
  if (!v.is_string()) {
    return invalid("name must be a string");
  }
  std::string_view name = v.as_string();
  if (name.empty() || utf8_length(name) > kMaxNameLength) {
    return invalid("name must be 1 to " + std::to_string(kMaxNameLength) + " characters");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid("name must not contain control characters");
    }
  }
  return std::string(name);
}

Result<media::Quality> read_quality(const json::value& v) {
  if (!v.is_string()) {
    return invalid("quality must be a string");
  }
  auto q = media::parse_quality(std::string_view(v.as_string()));
  if (!q) {
    return invalid("quality must be one of standard, high, passthrough");
  }
  return *q;
}

Result<media::LatencyMode> read_latency_mode(const json::value& v) {
  auto m =
      v.is_string() ? media::parse_latency_mode(std::string_view(v.as_string())) : std::nullopt;
  if (!m) {
    return invalid("latencyMode must be \"low\" or \"standard\"");
  }
  return *m;
}

Result<int> read_window(const json::value& v) {
  std::optional<int64_t> n;
  if (v.is_int64()) {
    n = v.as_int64();
  } else if (v.is_uint64() && v.as_uint64() <= INT64_MAX) {
    n = static_cast<int64_t>(v.as_uint64());
  } else if (v.is_double() &&
             v.as_double() == static_cast<double>(static_cast<int64_t>(v.as_double()))) {
    n = static_cast<int64_t>(v.as_double());
  }
  if (!n || *n < 0 || *n > kMaxReconnectWindowSeconds) {
    return invalid("reconnectWindowSeconds must be an integer from 0 to " +
                   std::to_string(kMaxReconnectWindowSeconds));
  }
  return static_cast<int>(*n);
}

Result<RecordingSettings> read_recording(const json::value& v) {
  if (!v.is_object()) {
    return invalid("recording must be an object");
  }
  RecordingSettings out;
  const json::object& o = v.as_object();
  if (const auto* e = o.if_contains("enabled")) {
    if (!e->is_bool()) {
      return invalid("recording.enabled must be true or false");
    }
    out.enabled = e->as_bool();
  }
  if (const auto* d = o.if_contains("retentionDays")) {
    if (!d->is_int64() || d->as_int64() < 1 || d->as_int64() > kMaxRetentionDays) {
      return invalid("recording.retentionDays must be an integer from 1 to " +
                     std::to_string(kMaxRetentionDays));
    }
    out.retention_days = static_cast<int>(d->as_int64());
  }
  return out;
}

// Reads `field` of `o`, when present, into `out` with `read`.
template <typename T, typename Reader>
Status read_field(const json::object& o, std::string_view field, Reader read,
                  std::optional<T>& out) {
  const auto* v = o.if_contains(field);
  if (v == nullptr) {
    return {};
  }
  auto r = read(*v);
  if (!r.ok()) {
    return r.error();
  }
  out = std::move(*r);
  return {};
}

// Reads the optional fields both create and patch accept.
Status read_fields(const json::object& o, PatchStreamRequest& req) {
  if (const auto* v = o.if_contains("recording")) {
    auto r = read_recording(*v);
    if (!r.ok()) {
      return r.error();
    }
    req.recording = *r;
  }
  for (Status s : {read_field(o, "name", read_name, req.name),
                   read_field(o, "quality", read_quality, req.quality),
                   read_field(o, "reconnectWindowSeconds", read_window, req.reconnect_window_s),
                   read_field(o, "latencyMode", read_latency_mode, req.latency_mode)}) {
    if (!s.ok()) {
      return s;
    }
  }
  return {};
}

json::value optional_time(const std::optional<int64_t>& ms) {
  return ms ? json::value(rfc3339_seconds(*ms)) : json::value(nullptr);
}

json::value optional_number(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value optional_number(const std::optional<int>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value optional_text(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::value health_object(const std::optional<media::StreamHealth>& health) {
  if (!health) {
    return nullptr;
  }
  const media::StreamHealth& h = *health;
  return json::object{
      {"status", media::to_string(h.status)},
      {"reason", optional_text(h.reason)},
      {"videoBitrateKbps", h.video_bitrate_kbps},
      {"audioBitrateKbps", h.audio_bitrate_kbps},
      {"fps", h.fps},
      {"keyframeIntervalSeconds", optional_number(h.keyframe_interval_s)},
      {"width", optional_number(h.width)},
      {"height", optional_number(h.height)},
      {"videoCodec", optional_text(h.video_codec)},
      {"audioCodec", optional_text(h.audio_codec)},
      {"lastFrameAt", h.last_frame_at_ms ? json::value(rfc3339_millis(*h.last_frame_at_ms))
                                         : json::value(nullptr)},
      {"droppedGops", h.dropped_gops},
  };
}

json::object stream_object(const store::StreamRecord& s, const PublicUrls& urls, const Secret* key,
                           const LiveFigures* live) {
  json::object ingest{{"rtmpUrl", urls.rtmp_url}};
  if (!urls.rtmps_url.empty()) {
    ingest["rtmpsUrl"] = urls.rtmps_url;
  }
  if (!urls.srt_url.empty()) {
    ingest["srtUrl"] = urls.srt_url;
  }
  if (key) {
    ingest["streamKey"] = key->reveal();
    ingest["rtmpFullUrl"] = urls.rtmp_url + "/" + std::string(key->reveal());
    if (!urls.rtmps_url.empty()) {
      ingest["rtmpsFullUrl"] = urls.rtmps_url + "/" + std::string(key->reveal());
    }
    if (!urls.srt_url.empty()) {
      ingest["srtFullUrl"] = urls.srt_url + "?streamid=" + std::string(key->reveal());
    }
  }
  json::object o{
      {"streamId", s.stream_id},
      {"edgeId", s.edge_id},
      {"name", s.name},
      {"state", media::to_string(s.state)},
      {"quality", media::to_string(s.quality)},
      {"reconnectWindowSeconds", s.reconnect_window_s},
      {"latencyMode", media::to_string(s.latency_mode)},
      {"recording", json::object{{"enabled", s.recording_enabled},
                                 {"retentionDays", s.recording_retention_days}}},
      {"createdAt", rfc3339_seconds(s.created_at_ms)},
      {"startedAt", optional_time(s.started_at_ms)},
      {"endedAt", optional_time(s.ended_at_ms)},
      {"ingest", std::move(ingest)},
      {"playback", json::object{{"hlsUrl", urls.edge_url + "/live/" + s.edge_id + "/master.m3u8"},
                                {"edgeId", s.edge_id}}},
  };
  if (s.state == media::StreamState::Error && !s.error_reason.empty()) {
    o["errorReason"] = s.error_reason;
  }
  o["health"] = health_object(live ? live->health : std::nullopt);
  o["viewers"] = live ? live->viewers : 0;
  return o;
}

}  // namespace

Result<CreateStreamRequest> parse_create_request(std::string_view body) {
  auto o = parse_object(body);
  if (!o.ok()) {
    return o.error();
  }
  PatchStreamRequest fields;
  if (auto s = read_fields(*o, fields); !s.ok()) {
    return s.error();
  }
  if (!fields.name) {
    return invalid("name is required");
  }
  CreateStreamRequest req{.name = std::move(*fields.name)};
  req.quality = fields.quality.value_or(req.quality);
  req.reconnect_window_s = fields.reconnect_window_s.value_or(req.reconnect_window_s);
  req.latency_mode = fields.latency_mode.value_or(req.latency_mode);
  req.recording = fields.recording;
  return req;
}

Result<PatchStreamRequest> parse_patch_request(std::string_view body) {
  auto o = parse_object(body);
  if (!o.ok()) {
    return o.error();
  }
  PatchStreamRequest req;
  if (auto s = read_fields(*o, req); !s.ok()) {
    return s.error();
  }
  return req;
}

std::string stream_json(const store::StreamRecord& stream, const PublicUrls& urls,
                        const Secret* stream_key, const LiveFigures* live) {
  return json::serialize(stream_object(stream, urls, stream_key, live));
}

std::string stream_page_json(const std::vector<store::StreamRecord>& streams,
                             const PublicUrls& urls, std::optional<std::string> next_cursor,
                             const std::vector<LiveFigures>& live) {
  json::array data;
  for (size_t i = 0; i < streams.size(); ++i) {
    data.push_back(stream_object(streams[i], urls, nullptr, i < live.size() ? &live[i] : nullptr));
  }
  json::object page{{"data", std::move(data)},
                    {"nextCursor", next_cursor ? json::value(*next_cursor) : json::value()}};
  return json::serialize(page);
}

}  // namespace antcdn::api
