#pragma once

// Where a recording lives in the media store, outside every stream's live
// prefix (a new live session removes "{edgeId}/"):
//
//   recordings/{recordingId}/master.m3u8
//   recordings/{recordingId}/{rendition}/index.m3u8       VOD, ENDLIST
//   recordings/{recordingId}/{rendition}/init-{session}.mp4
//   recordings/{recordingId}/{rendition}/{session}-{seq}.m4s
//   recordings/{recordingId}/download.mp4

#include <string>
#include <string_view>

namespace antcdn::record {

// "recordings/{recordingId}/": what deleting a recording removes.
inline std::string recording_prefix(std::string_view recording_id) {
  return "recordings/" + std::string(recording_id) + "/";
}

inline std::string recording_key(std::string_view recording_id, std::string_view file) {
  return recording_prefix(recording_id) + std::string(file);
}

inline constexpr std::string_view kDownloadFile = "download.mp4";

}  // namespace antcdn::record
