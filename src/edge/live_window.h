#pragma once

// Which init sections, segments and parts a rendition's media playlist makes worth
// reading from storage. A viewer only asks for names it saw in a playlist, so
// a name far from the playlist's window is answered 404 without an origin
// read: a flood of made-up names costs the store nothing. Pure, no I/O.
//
// The window is widened a little on both sides, because the playlist this
// node holds may be a moment older or newer than the one the viewer read
// (another edge node, a CDN): up to `kAhead` segments past the newest listed
// one (not yet in this node's copy) and as many before the oldest as the
// window holds (slid out, maybe not deleted yet). A widened name that does not
// exist is read once and then remembered by the negative cache.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

namespace antcdn::edge {

class LiveWindow {
 public:
  static constexpr uint64_t kAhead = 3;

  // InvalidArgument when the text is not a playlist.
  static Result<LiveWindow> parse(std::string_view playlist);

  bool may_have_init(const std::string& session) const;
  // Parts too, by their segment's number.
  bool may_have_segment(const std::string& session, uint64_t seq) const;

 private:
  struct Range {
    uint64_t first = UINT64_MAX;
    uint64_t last = 0;
  };
  std::unordered_map<std::string, Range> sessions_;  // by session name, from segment URIs
  size_t segments_ = 0;
};

}  // namespace antcdn::edge
