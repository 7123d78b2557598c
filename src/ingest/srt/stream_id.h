#pragma once

// The SRT caller's streamid names the stream key: either the key itself, or
// the SRT Access Control form "#!::r=KEY,m=publish" (r: the resource, m: the
// mode; other keys such as u= are ignored). Only publishing is served, so a
// mode other than publish is refused. Pure; never reads past the text.

#include <string>
#include <string_view>

#include "common/result.h"

namespace antcdn::ingest::srt {

// The stream key; InvalidArgument (naming what is wrong) for an empty id, an
// access-control id without r=, or m= other than publish.
Result<std::string> stream_key_from_stream_id(std::string_view stream_id);

}  // namespace antcdn::ingest::srt
