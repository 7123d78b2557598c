#include "web/assets.h"

#include <cstring>
#include <map>
#include <string>

#include "web/embedded_files.h"

namespace antcdn::web {
namespace {

std::string_view content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot);
  if (ext == ".html") {
    return "text/html; charset=utf-8";
  }
  if (ext == ".js") {
    return "text/javascript; charset=utf-8";
  }
  if (ext == ".css") {
    return "text/css; charset=utf-8";
  }
  if (ext == ".svg") {
    return "image/svg+xml";
  }
  if (ext == ".json") {
    return "application/json";
  }
  return "application/octet-stream";
}

// Copied once out of the read-only section into shared buffers, so responses
// can alias them like any cached object (no copy per request).
const std::map<std::string_view, Asset>& table() {
  static const std::map<std::string_view, Asset> assets = [] {
    std::map<std::string_view, Asset> m;
    for (const EmbeddedFile& f : embedded_files()) {
      auto bytes = std::make_shared<Bytes>(f.bytes.size());
      std::memcpy(bytes->data(), f.bytes.data(), f.bytes.size());
      m.emplace(f.name, Asset{f.name, content_type_for(f.name), std::move(bytes)});
    }
    return m;
  }();
  return assets;
}

}  // namespace

std::optional<Asset> find_asset(std::string_view name) {
  const auto& assets = table();
  auto it = assets.find(name);
  if (it == assets.end()) {
    return std::nullopt;
  }
  return it->second;
}

}  // namespace antcdn::web
