#include "edge/edge_router.h"

#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/ids.h"
#include "common/parse_number.h"
#include "common/time_util.h"
#include "edge/byte_range.h"
#include "edge/cache_policy.h"
#include "edge/live_window.h"
#include "edge/status_events.h"
#include "edge/status_json.h"
#include "edge/store_body_source.h"
#include "format/hls/live_edge.h"
#include "web/responses.h"

namespace antcdn::edge {
namespace {

// RFC 8216bis 6.2.5.2: a blocking request is held at most three target
// durations; below the edge's 10 s answer deadline, so the 503 is ours.
std::chrono::milliseconds hold_for(const format::hls::LiveEdge& edge) {
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(3 * edge.target_duration_s),
                                             std::chrono::milliseconds(9000));
}

// 503 with Retry-After: storage or a held request could not answer in time.
net::HttpResponse retry_later(std::string_view message) {
  auto res = text_error(503, "unavailable", message);
  res.set("Retry-After", "1");
  return res;
}

// The media playlist that lists a rendition file (init section, segment, part).
std::string playlist_key_of(const EdgePath& path) {
  return path.edge_id + "/" + path.rendition + "/index.m3u8";
}

net::HttpResponse not_found() {
  return text_error(404, "not_found", "no such stream or object");
}

void set_object_headers(net::HttpResponse& res, ObjectHeaders h) {
  res.set("Content-Type", std::string(h.content_type));
  res.set("Cache-Control", std::string(h.cache_control));
  add_cors_headers(res);
}

}  // namespace

net::HttpResponse text_error(int status, std::string_view code, std::string_view message) {
  net::HttpResponse res;
  res.status = status;
  res.set("Content-Type", "text/plain; charset=utf-8");
  add_cors_headers(res);
  res.set("Cache-Control", "no-cache");
  res.body = std::string(code) + ": " + std::string(message) + "\n";
  return res;
}

EdgeRouter::EdgeRouter(storage::ObjectReader& objects, StreamDirectory& directory,
                       EdgeMetrics* metrics, ViewerCounter* viewers, StatusEvents* events,
                       BlockingReloads* reloads, thumbnail::ThumbnailSource* thumbnails)
    : objects_(objects),
      directory_(directory),
      metrics_(metrics),
      viewers_(viewers),
      events_(events),
      reloads_(reloads),
      thumbnails_(directory, thumbnails) {}

Result<EdgeRouter::Directives> EdgeRouter::parse_directives(std::string_view query) {
  Directives d;
  if (query.empty()) {
    return d;
  }
  auto params = net::parse_query(query);
  if (!params.ok()) {
    return params.error();
  }
  std::optional<uint64_t> msn;
  std::optional<uint64_t> part;
  for (const auto& [name, value] : *params) {
    if (name == "_HLS_msn" || name == "_HLS_part") {
      auto n = parse_number<uint64_t>(value);
      if (!n) {
        return make_error(Code::InvalidArgument, name + " must be a whole number");
      }
      (name == "_HLS_msn" ? msn : part) = *n;
    } else if (name == "_HLS_skip") {
      if (value != "YES" && value != "v2") {
        return make_error(Code::InvalidArgument, "_HLS_skip must be YES or v2");
      }
      d.skip = true;
    }
  }
  if (part && !msn) {
    return make_error(Code::InvalidArgument, "_HLS_part needs _HLS_msn");
  }
  if (msn) {
    d.wanted = format::hls::PartWanted{.msn = *msn, .part = part};
  }
  return d;
}

void EdgeRouter::handle(const net::HttpRequest& req, const net::HttpRespond& respond) {
  std::optional<EdgePath> path = parse_edge_path(req.path());
  if (metrics_ == nullptr) {
    route(req, path, respond);
    return;
  }
  RequestKind kind = path                                ? kind_of(path->resource)
                     : req.path().starts_with("/watch/") ? RequestKind::Watch
                                                         : RequestKind::Other;
  route(req, path,
        [metrics = metrics_, kind, head = req.method == "HEAD", respond](net::HttpResponse res) {
          metrics->record(kind, res.status, head ? 0 : res.body_size());
          respond(std::move(res));
        });
}

void EdgeRouter::route(const net::HttpRequest& req, const std::optional<EdgePath>& path,
                       net::HttpRespond respond) {
  if (req.method == "OPTIONS") {
    respond(preflight_response());
    return;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    auto res = text_error(405, "method_not_allowed", "the edge serves GET, HEAD and OPTIONS");
    res.set("Allow", "GET, HEAD, OPTIONS");
    respond(std::move(res));
    return;
  }
  if (req.path() == "/healthz") {
    net::HttpResponse res;
    res.set("Content-Type", "text/plain");
    res.set("Cache-Control", "no-cache");
    add_cors_headers(res);
    res.body = "ok\n";
    respond(std::move(res));
    return;
  }
  if (req.path().starts_with("/watch/")) {
    serve_watch(req.path().substr(std::string_view("/watch/").size()), std::move(respond));
    return;
  }
  if (!path) {
    auto events_of = events_ != nullptr ? events_path_edge_id(req.path()) : std::nullopt;
    if (events_of && req.method == "GET") {
      events_->open(*events_of, req, std::move(respond));
      return;
    }
    respond(not_found());
    return;
  }
  if (path->resource == EdgeResource::Thumbnail) {
    thumbnails_.serve(req, *path, std::move(respond));  // idle streams too: their last picture
    return;
  }
  Directives directives;
  if (path->resource == EdgeResource::MediaPlaylist) {
    auto parsed = parse_directives(req.query());
    if (!parsed.ok()) {
      respond(text_error(400, "bad_request", parsed.error().message));
      return;
    }
    directives = *parsed;
  }
  if (viewers_ != nullptr && req.method == "GET" &&
      (path->resource == EdgeResource::MediaSegment || path->resource == EdgeResource::Part) &&
      path->recording_id.empty()) {
    respond = counting_viewer(req, *path, std::move(respond));
  }
  std::optional<std::string> range;
  if (auto h = req.header("range"); h && req.method == "GET") {
    range = std::string(*h);
  }
  std::string query(req.query());
  directory_.lookup_async(path->edge_id, [this, path = *path, directives, range = std::move(range),
                                          query = std::move(query), respond = std::move(respond)](
                                             std::optional<EdgeStreamInfo> info) mutable {
    if (!info) {
      respond(not_found());
      return;
    }
    if (!path.recording_id.empty()) {
      // A recording outlives its session: any state of the stream serves it.
      serve_recording(path, std::move(query), std::move(range), std::move(respond));
      return;
    }
    if (path.resource == EdgeResource::Status) {
      respond(serve_status(*info));
      return;
    }
    // An idle stream has nothing to play: never published, or held long
    // enough after its end. Leftover objects of an old session must not
    // resurface.
    if (info->state == media::StreamState::Idle) {
      respond(not_found());
      return;
    }
    serve_media(path, directives, std::move(respond));
  });
}

net::HttpRespond EdgeRouter::counting_viewer(const net::HttpRequest& req, const EdgePath& path,
                                             net::HttpRespond respond) {
  uint64_t client = viewers_->client_id(req.remote_address, req.header("user-agent").value_or(""));
  return [viewers = viewers_, client, edge_id = path.edge_id,
          respond = std::move(respond)](net::HttpResponse res) {
    if (res.status == 200) {
      viewers->record(edge_id, client, unix_now_ms());
    }
    respond(std::move(res));
  };
}

// Init sections, segments and parts are read only when the rendition's
// playlist (a cache hit while it is being written) names them or names their
// neighbours.
void EdgeRouter::serve_media(const EdgePath& path, const Directives& directives,
                             net::HttpRespond respond) {
  if (path.resource == EdgeResource::MediaPlaylist) {
    serve_playlist(path, directives, std::move(respond));
    return;
  }
  if (path.resource == EdgeResource::Part) {
    serve_part(path, std::move(respond));
    return;
  }
  if (path.resource != EdgeResource::InitSection && path.resource != EdgeResource::MediaSegment) {
    fetch(path.object_key, std::move(respond));
    return;
  }
  objects_.get_async(playlist_key_of(path), [this, path, respond = std::move(respond)](
                                                Result<storage::ObjectPtr> playlist) mutable {
    if (playlist.ok()) {
      auto window = LiveWindow::parse(as_chars((*playlist)->data));
      bool listed = window.ok() && (path.resource == EdgeResource::InitSection
                                        ? window->may_have_init(path.session)
                                        : window->may_have_segment(path.session, path.seq));
      if (!listed) {
        respond(not_found());
        return;
      }
    } else if (playlist.error().code == Code::NotFound) {
      respond(not_found());  // no playlist: nothing a viewer could have been told about
      return;
    }
    // (A playlist that cannot be read now does not hide the object itself.)
    fetch(path.object_key, std::move(respond));
  });
}

net::HttpResponse EdgeRouter::playlist_response(const std::string& key,
                                                const storage::ObjectPtr& playlist,
                                                const Directives& directives) {
  auto res = object_response(key, playlist);
  if (directives.wanted) {
    for (auto& [name, value] : res.headers) {
      if (name == "Cache-Control") {
        value = std::string(kBlockingPlaylistCacheControl);
      }
    }
  }
  if (directives.skip) {
    auto delta = format::hls::delta_update(as_chars(playlist->data));
    if (delta.ok()) {
      res.shared_body.reset();
      res.body = std::move(*delta);
    }
  }
  return res;
}

// A blocking reload (LL-HLS) is answered once the playlist holds the part it
// asks for; the hold is three target durations, then 503 (RFC 8216bis 6.2.5.2).
void EdgeRouter::serve_playlist(const EdgePath& path, const Directives& directives,
                                net::HttpRespond respond) {
  objects_.get_async(
      path.object_key, [this, key = path.object_key, directives,
                        respond = std::move(respond)](Result<storage::ObjectPtr> playlist) mutable {
        if (!playlist.ok()) {
          respond(object_response(key, playlist));
          return;
        }
        auto edge = format::hls::read_live_edge(as_chars((*playlist)->data));
        if (!directives.wanted || !edge.ok() || reloads_ == nullptr) {
          respond(playlist_response(key, *playlist, directives));
          return;
        }
        switch (format::hls::delivery(*edge, *directives.wanted)) {
          case format::hls::Delivery::Now:
            respond(playlist_response(key, *playlist, directives));
            return;
          case format::hls::Delivery::TooFar:
            respond(text_error(400, "bad_request",
                               "_HLS_msn/_HLS_part is too far ahead of the live edge"));
            return;
          case format::hls::Delivery::Wait:
            break;
        }
        reloads_->wait(
            key, *playlist, *directives.wanted, hold_for(*edge),
            [key, directives, respond = std::move(respond)](Result<storage::ObjectPtr> ready) {
              respond(ready.ok() ? playlist_response(key, *ready, directives)
                                 : retry_later(ready.error().message));
            });
      });
}

void EdgeRouter::serve_part(const EdgePath& path, net::HttpRespond respond) {
  std::string playlist_key = playlist_key_of(path);
  objects_.get_async(playlist_key, [this, path, playlist_key, respond = std::move(respond)](
                                       Result<storage::ObjectPtr> playlist) mutable {
    if (!playlist.ok()) {
      if (playlist.error().code == Code::NotFound) {
        respond(not_found());
      } else {
        fetch(path.object_key, std::move(respond));
      }
      return;
    }
    std::string_view text = as_chars((*playlist)->data);
    auto window = LiveWindow::parse(text);
    auto edge = format::hls::read_live_edge(text);
    if (!window.ok() || !edge.ok() || !window->may_have_segment(path.session, path.seq)) {
      respond(not_found());
      return;
    }
    format::hls::PartWanted wanted{.msn = path.seq, .part = path.part};
    auto delivery = format::hls::delivery(*edge, wanted);
    if (delivery == format::hls::Delivery::TooFar) {
      respond(not_found());
      return;
    }
    if (delivery == format::hls::Delivery::Now || reloads_ == nullptr) {
      fetch(path.object_key, std::move(respond));
      return;
    }
    reloads_->wait(playlist_key, *playlist, wanted, hold_for(*edge),
                   [this, key = path.object_key,
                    respond = std::move(respond)](Result<storage::ObjectPtr> ready) mutable {
                     if (!ready.ok()) {
                       respond(retry_later(ready.error().message));
                       return;
                     }
                     fetch(key, std::move(respond));
                   });
  });
}

void EdgeRouter::serve_recording(const EdgePath& path, std::string query,
                                 std::optional<std::string> range, net::HttpRespond respond) {
  // Only through the stream it was made of: another edge id is a 404.
  directory_.has_recording_async(path.edge_id, path.recording_id,
                                 [this, path, query = std::move(query), range = std::move(range),
                                  respond = std::move(respond)](bool ours) mutable {
                                   if (!ours) {
                                     respond(not_found());
                                   } else if (path.resource == EdgeResource::VodThumbnail) {
                                     thumbnails_.serve_recording(
                                         query, "recordings/" + path.recording_id + "/master.m3u8",
                                         std::move(respond));
                                   } else {
                                     serve_vod(path, std::move(range), std::move(respond));
                                   }
                                 });
}

void EdgeRouter::serve_vod(const EdgePath& path, std::optional<std::string> range,
                           net::HttpRespond respond) {
  if (path.resource != EdgeResource::VodDownload) {
    fetch(path.object_key, std::move(respond));
    return;
  }
  // The MP4 may be gigabytes: its size first, then the answer streams it from
  // the store in pieces (StoreBodySource), never whole and never cached.
  objects_.get_range_async(
      path.object_key, 0, 0,
      [this, key = path.object_key, file = path.recording_id + ".mp4", range = std::move(range),
       respond = std::move(respond)](Result<storage::ObjectRange> head) {
        if (!head.ok()) {
          respond(storage_error_response(key, head.error()));
          return;
        }
        const uint64_t size = head->total_size;
        net::HttpResponse res;
        set_object_headers(res, headers_for_key(key));
        res.set("Content-Disposition", "attachment; filename=\"" + file + "\"");
        res.set("Accept-Ranges", "bytes");
        ByteRange r = parse_byte_range(range, size);
        if (r.kind == ByteRange::Kind::Unsatisfiable) {
          auto refused = text_error(416, "range_not_satisfiable", "the range is outside the file");
          refused.set("Content-Range", content_range(r, size));
          respond(std::move(refused));
          return;
        }
        uint64_t first = 0;
        uint64_t length = size;
        if (r.kind == ByteRange::Kind::Partial) {
          res.status = 206;
          res.set("Content-Range", content_range(r, size));
          first = r.first;
          length = r.last - r.first + 1;
        }
        if (length > 0) {
          res.source = std::make_shared<StoreBodySource>(objects_, key, first, length);
        }
        respond(std::move(res));
      });
}

// The viewer page is the same for every stream; its script reads the edgeId
// from the URL and asks status.json. Unknown streams get the page with a 404,
// so a browser shows a proper "not found" and a crawler sees the status.
void EdgeRouter::serve_watch(std::string_view rest, net::HttpRespond respond) {
  if (rest.starts_with("assets/")) {
    auto res = web::asset_response(rest.substr(std::string_view("assets/").size()));
    respond(res ? std::move(*res) : not_found());
    return;
  }
  if (!ids::is_edge_id(rest)) {
    respond(not_found());
    return;
  }
  directory_.lookup_async(
      std::string(rest), [respond = std::move(respond)](std::optional<EdgeStreamInfo> info) {
        auto page = web::page_response("watch.html", web::Framing::Allow, info ? 200 : 404);
        respond(page ? std::move(*page) : not_found());
      });
}

net::HttpResponse EdgeRouter::serve_status(const EdgeStreamInfo& info) {
  net::HttpResponse res;
  set_object_headers(res, status_headers());
  res.body = status_json(info);
  return res;
}

void EdgeRouter::fetch(const std::string& key, net::HttpRespond respond) {
  objects_.get_async(key, [key, respond = std::move(respond)](Result<storage::ObjectPtr> object) {
    respond(object_response(key, object));
  });
}

net::HttpResponse EdgeRouter::storage_error_response(const std::string& key, const Error& e) {
  if (e.code == Code::NotFound || e.code == Code::InvalidArgument) {
    return not_found();
  }
  spdlog::warn("edge: reading {} failed: {}", key, e.describe());
  return retry_later("storage is unavailable, retry shortly");
}

net::HttpResponse EdgeRouter::object_response(const std::string& key,
                                              const Result<storage::ObjectPtr>& object) {
  if (!object.ok()) {
    return storage_error_response(key, object.error());
  }
  net::HttpResponse res;
  set_object_headers(res, headers_for_key(key));
  // Shares the cached bytes (aliasing the object's lifetime): no copy per request.
  res.shared_body = std::shared_ptr<const Bytes>(*object, &(*object)->data);
  return res;
}

}  // namespace antcdn::edge
