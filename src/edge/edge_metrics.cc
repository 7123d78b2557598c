#include "edge/edge_metrics.h"

#include <string>

namespace antcdn::edge {
namespace {

constexpr std::array<const char*, 9> kKindNames = {
    "master", "playlist", "init", "segment", "part", "status", "thumbnail", "watch", "other"};

}  // namespace

RequestKind kind_of(EdgeResource resource) {
  switch (resource) {
    case EdgeResource::MasterPlaylist:
      return RequestKind::Master;
    case EdgeResource::MediaPlaylist:
      return RequestKind::Playlist;
    case EdgeResource::InitSection:
      return RequestKind::Init;
    case EdgeResource::MediaSegment:
      return RequestKind::Segment;
    case EdgeResource::Part:
      return RequestKind::Part;
    case EdgeResource::Status:
      return RequestKind::Status;
    case EdgeResource::Thumbnail:
    case EdgeResource::VodThumbnail:
      return RequestKind::Thumbnail;
    case EdgeResource::VodDownload:
      break;
  }
  return RequestKind::Other;
}

EdgeMetrics::EdgeMetrics(metrics::Registry& registry) {
  static_assert(kKindNames.size() == kKinds);
  for (size_t k = 0; k < kKinds; ++k) {
    for (size_t s = 0; s <= kStatuses.size(); ++s) {
      std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
      requests_[k][s] = &registry.counter("antcdn_edge_requests_total",
                                          "Requests the edge answered, by resource and status.",
                                          {{"kind", kKindNames[k]}, {"status", status}});
    }
    bytes_[k] = &registry.counter("antcdn_edge_sent_bytes_total",
                                  "Response body bytes the edge sent, by resource.",
                                  {{"kind", kKindNames[k]}});
  }
}

void EdgeMetrics::record(RequestKind kind, int status, size_t body_bytes) {
  auto k = static_cast<size_t>(kind);
  size_t s = 0;
  while (s < kStatuses.size() && kStatuses[s] != status) {
    ++s;
  }
  requests_[k][s]->inc();
  if (body_bytes > 0) {
    bytes_[k]->inc(body_bytes);
  }
}

}  // namespace antcdn::edge
