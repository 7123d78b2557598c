#include "edge/thumbnail_route.h"

#include <string>
#include <utility>

#include "common/parse_number.h"
#include "edge/cache_policy.h"
#include "edge/edge_router.h"

namespace antcdn::edge {
namespace {

constexpr std::string_view kBadWidth = "width must be a whole number from 1 to 7680";
constexpr std::string_view kBadTime = "time must be a number of seconds from 0 to 10000000";

// The first `name` parameter as a number of type T in [low, high]; `absent`
// without one, nothing when it (or the query) is malformed.
template <typename T>
std::optional<T> number_parameter(std::string_view query, std::string_view name, T low, T high,
                                  T absent) {
  auto params = net::parse_query(query);
  if (!params.ok()) {
    return std::nullopt;
  }
  for (const auto& [key, value] : *params) {
    if (key == name) {
      auto n = parse_number<T>(value);
      if (!n || !(*n >= low && *n <= high)) {  // (NaN fails too)
        return std::nullopt;
      }
      return n;
    }
  }
  return absent;
}

void render(thumbnail::ThumbnailSource& source, const thumbnail::ThumbnailRequest& request,
            net::HttpRespond respond) {
  source.render_async(request, [respond = std::move(respond)](Result<thumbnail::Jpeg> jpeg) {
    respond(thumbnail_response(jpeg));
  });
}

}  // namespace

std::optional<int> parse_thumbnail_width(std::string_view query) {
  return number_parameter(query, "width", 1, kMaxThumbnailWidth, 0);
}

std::optional<double> parse_thumbnail_time(std::string_view query) {
  return number_parameter(query, "time", 0.0, kMaxThumbnailTime, 0.0);
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
    respond(text_error(400, "bad_request", kBadWidth));
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
        render(*source, request, std::move(respond));
      });
}

void ThumbnailRoute::serve_recording(std::string_view query, std::string master_key,
                                     net::HttpRespond respond) {
  std::optional<int> width = parse_thumbnail_width(query);
  std::optional<double> time = parse_thumbnail_time(query);
  if (!width || !time) {
    respond(text_error(400, "bad_request", width ? kBadTime : kBadWidth));
    return;
  }
  if (source_ == nullptr) {
    respond(thumbnail_response(make_error(Code::NotFound, "thumbnails are off")));
    return;
  }
  render(*source_, {.master_key = std::move(master_key), .time_s = *time, .width = *width},
         std::move(respond));
}

}  // namespace antcdn::edge
