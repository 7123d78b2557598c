#include "api/recording_dto.h"

#include <boost/json.hpp>

#include "common/time_util.h"

namespace antcdn::api {
namespace json = boost::json;
namespace {

json::object recording_object(const store::RecordingRecord& r, const PublicUrls& urls) {
  std::string base = urls.edge_url + "/vod/" + r.edge_id + "/" + r.recording_id;
  bool ready = r.state == store::RecordingState::Ready;
  return json::object{
      {"recordingId", r.recording_id},
      {"streamId", r.stream_id},
      {"state", store::to_string(r.state)},
      {"startedAt", rfc3339_seconds(r.started_at_ms)},
      {"endedAt", r.ended_at_ms ? json::value(rfc3339_seconds(*r.ended_at_ms)) : json::value()},
      {"durationSeconds", static_cast<double>(r.duration_ms) / 1000.0},
      {"playback",
       json::object{
           {"hlsUrl", ready ? json::value(base + "/master.m3u8") : json::value()},
           {"mp4Url", ready && r.has_mp4 ? json::value(base + "/download.mp4") : json::value()},
       }},
      {"thumbnailUrl", base + "/thumbnail.jpg"},
  };
}

}  // namespace

std::string recording_json(const store::RecordingRecord& r, const PublicUrls& urls) {
  return json::serialize(recording_object(r, urls));
}

std::string recording_page_json(const std::vector<store::RecordingRecord>& rows,
                                const PublicUrls& urls, std::optional<std::string> next_cursor) {
  json::array data;
  for (const auto& r : rows) {
    data.push_back(recording_object(r, urls));
  }
  return json::serialize(
      json::object{{"data", std::move(data)},
                   {"nextCursor", next_cursor ? json::value(*next_cursor) : json::value()}});
}

}  // namespace antcdn::api
