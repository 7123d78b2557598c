#include "api/event_dto.h"

#include <boost/json.hpp>

#include "api/recording_dto.h"
#include "common/time_util.h"

namespace antcdn::api {
namespace json = boost::json;
namespace {

// The envelope around already serialised `data`, which is spliced in as is
// (re-parsing the resource only to print it again would be waste).
std::string envelope(const store::EventHeader& h, const std::string& data) {
  std::string head = json::serialize(json::object{
      {"id", h.event_id}, {"type", h.type}, {"createdAt", rfc3339_millis(h.created_at_ms)}});
  head.pop_back();  // the closing brace
  return head + ",\"data\":" + data + "}";
}

}  // namespace

std::string stream_event_json(const store::EventHeader& header, const store::StreamRecord& stream,
                              const PublicUrls& urls) {
  return envelope(header, stream_json(stream, urls));
}

std::string recording_event_json(const store::EventHeader& header,
                                 const store::RecordingRecord& recording, const PublicUrls& urls) {
  return envelope(header, recording_json(recording, urls));
}

std::string test_event_json(const store::EventHeader& header, const std::string& webhook_id) {
  return envelope(header, json::serialize(json::object{{"webhookId", webhook_id}}));
}

}  // namespace antcdn::api
