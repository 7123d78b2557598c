#pragma once

// The RFC 6381 codec string of a track, as a master playlist's CODECS names it
// (and the API's stream health shows it).

#include <string>

#include "media/track.h"

namespace antcdn::format::hls {

// "avc1.PPCCLL" from the avcC, "mp4a.40.N" from the AudioSpecificConfig; a
// config that does not parse gives the common default ("avc1.64001f", "mp4a.40.2").
std::string track_codec(const media::TrackInfo& track);

}  // namespace antcdn::format::hls
