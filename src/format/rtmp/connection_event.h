#pragma once

// What a ServerConnection reports to its owner (the ingest session).

#include <cstdint>
#include <string>
#include <variant>

#include "common/bytes.h"
#include "format/amf0/value.h"
#include "media/track.h"

namespace antcdn::format::rtmp {

// The client's connect command was accepted (informational; already answered).
struct Connected {
  std::string app;
  std::string tc_url;
  std::string flash_ver;  // encoder identification, e.g. "FMLE/3.0 (compatible; FMSc/1.0)"
};

// The client asked to publish. Nothing has been answered yet: the owner must
// call accept_publish() or reject_publish().
struct PublishRequested {
  std::string app;
  std::string stream_name;  // the stream key, without any "?query"
  std::string query;        // what followed '?' in the publish name, may be empty
  std::string tc_url;
  std::string publish_type;  // "live" (default), "record" or "append"
};

// onMetaData, from @setDataFrame or sent directly. `data` is an object or an
// ECMA array; look fields up with data.find_number("width") and the like.
struct Metadata {
  amf0::Value data;
};

// One audio (type 8) or video (type 9) message: an FLV tag body.
struct Media {
  media::MediaKind kind = media::MediaKind::Video;
  uint32_t timestamp = 0;  // milliseconds, 32-bit as sent (wraps; unwrap upstream)
  Bytes payload;
};

// The client ended the publish (FCUnpublish, deleteStream or closeStream).
struct Unpublished {
  bool clean = true;
};

using ConnectionEvent = std::variant<Connected, PublishRequested, Metadata, Media, Unpublished>;

}  // namespace antcdn::format::rtmp
