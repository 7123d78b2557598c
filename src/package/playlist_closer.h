#pragma once

// After a crash or restart, playlists of sessions that were on air are still
// open. This appends EXT-X-ENDLIST to the media playlists the master names, so
// players stop waiting for segments that will never come.

#include <string>

#include "common/result.h"
#include "storage/object_store.h"

namespace antcdn::package {

Status close_playlists(storage::ObjectStore& objects, const std::string& edge_id);

}  // namespace antcdn::package
