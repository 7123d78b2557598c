#include "edge/thumbnail_route.h"

#include <string>

#include "common/parse_number.h"
#include "edge/cache_policy.h"
#include "edge/edge_router.h"

namespace antcdn::edge {

std::optional<int> parse_thumbnail_width(std::string_view query) {
  auto params = net::parse_query(query);
  if (!params.ok()) {
    return std::nullopt;
  }
  for (const auto& [name, value] : *params) {
    if (name == "width") {
      auto width = parse_number<int>(value);
      if (!width || *width < 1 || *width > kMaxThumbnailWidth) {
        return std::nullopt;
      }
      return width;
    }
  }
  return 0;
}

net::HttpResponse thumbnail_response(const Result<thumbnail::Jpeg>& jpeg) {
  if (!jpeg.ok()) {
    switch (jpeg.error().code) {
      case Code::NotFound:
      case Code::InvalidArgument:
      case Code::Unsupported:
        return text_error(404, "not_found", "no thumbnail for this stream yet");
      default: {
        auto res =
            text_error(503, "unavailable", "the thumbnail cannot be made now, retry shortly");
        res.set("Retry-After", "1");
        return res;
      }
    }
  }
  net::HttpResponse res;
  ObjectHeaders h = thumbnail_headers();
  res.set("Content-Type", std::string(h.content_type));
  res.set("Cache-Control", std::string(h.cache_control));
  add_cors_headers(res);
  res.shared_body = *jpeg;
  return res;
}

void ThumbnailRoute::serve(const net::HttpRequest& req, const EdgePath& path,
                           net::HttpRespond respond) {
  std::optional<int> width = parse_thumbnail_width(req.query());
  if (!width) {
    respond(
        text_error(400, "bad_request",
                   "width must be a whole number from 1 to " + std::to_string(kMaxThumbnailWidth)));
    return;
  }
  if (source_ == nullptr) {
    respond(thumbnail_response(make_error(Code::NotFound, "thumbnails are off")));
    return;
  }
  thumbnail::ThumbnailRequest request{.master_key = path.object_key, .width = *width};
  directory_.lookup_async(
      path.edge_id, [source = source_, request = std::move(request),
                     respond = std::move(respond)](std::optional<EdgeStreamInfo> info) mutable {
        if (!info) {
          respond(thumbnail_response(make_error(Code::NotFound, "no such stream")));
          return;
        }
        source->render_async(request, [respond = std::move(respond)](Result<thumbnail::Jpeg> jpeg) {
          respond(thumbnail_response(jpeg));
        });
      });
}

}  // namespace antcdn::edge
