#pragma once

// The console and viewer pages (the repo's web/ folder plus hls.js from npm),
// embedded into the binary at build time so that `antcdn serve` needs no files
// beside it and no CDN at run time. cmake/embed_web_assets.cmake generates the
// table behind find_asset().

#include <memory>
#include <optional>
#include <string_view>

#include "common/bytes.h"

namespace antcdn::web {

struct Asset {
  std::string_view name;  // file name, e.g. "console.js"
  std::string_view content_type;
  std::shared_ptr<const Bytes> bytes;  // shared with every response that sends it
};

// nullopt for a name that is not embedded (names are flat: no '/').
std::optional<Asset> find_asset(std::string_view name);

}  // namespace antcdn::web
