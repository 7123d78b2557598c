#pragma once

// What a stream's packager left in storage, read back so that another ingest
// node can go on writing the same playlists when the encoder reconnects there
// (see StreamPackager::continue_stored).

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "media/track.h"
#include "package/playlist_state.h"
#include "storage/object_store.h"

namespace antcdn::package {

struct RenditionRef {
  std::string name;  // "720p", "source", "audio": the folder of its playlist
  media::MediaKind kind = media::MediaKind::Video;
};

// The renditions a stored master playlist names (variants "{name}/index.m3u8",
// the audio group's "audio/index.m3u8"), in the order StreamPackager matches
// an encoder's tracks to renditions: video by descending height ("source"
// alone), then audio. Pure. InvalidArgument for text our packager did not
// write: an unknown rendition name, a variant without its URI, no video.
Result<std::vector<RenditionRef>> parse_stored_master(std::string_view m3u8);

struct StoredRendition {
  std::string name;
  media::MediaKind kind = media::MediaKind::Video;
  PlaylistState playlist;
};

// Reads {edge_id}/master.m3u8 and the media playlist of every rendition it
// names. NotFound when there is no master (nothing to continue); any other
// error means the stored session cannot be continued. Blocks on storage.
// `window_segments` should be the packager's own (PackagerOptions).
Result<std::vector<StoredRendition>> load_stored_session(storage::ObjectStore& objects,
                                                         const std::string& edge_id,
                                                         size_t window_segments);

}  // namespace antcdn::package
