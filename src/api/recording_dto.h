#pragma once

// JSON of the recordings API (GET /v1/live-streams/{id}/recordings,
// GET /v1/recordings/{id}) and of the recording.* events' `data`.

#include <optional>
#include <string>
#include <vector>

#include "api/dto.h"
#include "store/recording_repository.h"

namespace antcdn::api {

// {recordingId, streamId, state, startedAt, endedAt, durationSeconds,
//  playback: {hlsUrl, mp4Url}, thumbnailUrl}; mp4Url null until the MP4 exists.
std::string recording_json(const store::RecordingRecord& r, const PublicUrls& urls);
std::string recording_page_json(const std::vector<store::RecordingRecord>& rows,
                                const PublicUrls& urls, std::optional<std::string> next_cursor);

}  // namespace antcdn::api
