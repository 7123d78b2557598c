#pragma once

// The event envelope webhooks and SSE clients receive:
// {"id":"evt_…","type":…,"createdAt":…,"data":{…}}. For stream events `data`
// is the stream resource exactly as GET /v1/live-streams/{id} shows it (never
// the stream key): rendered by stream_json(), the resource's one renderer.
// The store calls stream_event_json() in the transaction of the change and
// keeps the bytes, so every delivery and replay of an event is identical.

#include <string>

#include "api/dto.h"
#include "store/repositories.h"

namespace antcdn::api {

inline constexpr std::string_view kTestEventType = "webhook.test";

std::string stream_event_json(const store::EventHeader& header, const store::StreamRecord& stream,
                              const PublicUrls& urls);
// recording.ready / recording.deleted: data is the recording as
// GET /v1/recordings/{id} shows it.
std::string recording_event_json(const store::EventHeader& header,
                                 const store::RecordingRecord& recording, const PublicUrls& urls);
// webhook.test: data is {"webhookId": …}.
std::string test_event_json(const store::EventHeader& header, const std::string& webhook_id);

}  // namespace antcdn::api
