#pragma once

// Entry point of the edge listener (viewers): HLS playlists, init sections and
// segments read from the object store, a public status.json per stream, and
// the viewer page /watch/{edgeId} with its assets (/watch/assets/{file}), and
// thumbnails (thumbnail_route.h). Media is served only for streams that exist
// and are not idle (a thumbnail also for idle ones); every other
// path is a 404 (edge_path.h lists the URL space). Header rules live in
// cache_policy.h. HEAD is answered like GET; the HTTP server drops the body.

#include <string_view>

#include "edge/blocking_reloads.h"
#include "edge/edge_metrics.h"
#include "edge/edge_path.h"
#include "edge/status_events.h"
#include "edge/stream_directory.h"
#include "edge/thumbnail_route.h"
#include "edge/viewer_counter.h"
#include "net/http_message.h"
#include "net/http_server.h"
#include "storage/object_reader.h"

namespace antcdn::edge {

class EdgeRouter {
 public:
  // All are borrowed and must outlive the router and may be null. `viewers`
  // counts the clients of media segments answered 200; without `events`
  // /live/{edgeId}/events is a 404; without `reloads` blocking playlist
  // reloads are answered at once with what there is; without `thumbnails`
  // thumbnail.jpg is a 404.
  EdgeRouter(storage::ObjectReader& objects, StreamDirectory& directory,
             EdgeMetrics* metrics = nullptr, ViewerCounter* viewers = nullptr,
             StatusEvents* events = nullptr, BlockingReloads* reloads = nullptr,
             thumbnail::ThumbnailSource* thumbnails = nullptr);

  // LL-HLS delivery directives of a media playlist or part request:
  // `_HLS_msn` (with `_HLS_part`) and `_HLS_skip=YES|v2`.
  struct Directives {
    std::optional<format::hls::PartWanted> wanted;
    bool skip = false;
  };
  // InvalidArgument (400) for a bad number, `_HLS_part` without `_HLS_msn`,
  // or a skip value that is not YES or v2.
  static Result<Directives> parse_directives(std::string_view query);

  // Never blocks: the stream lookup and a cache miss answer through callbacks
  // (StreamDirectory::lookup_async, ObjectReader::get_async), so a thousand
  // viewers waiting on a slow origin hold no thread.
  void handle(const net::HttpRequest& req, const net::HttpRespond& respond);

 private:
  void route(const net::HttpRequest& req, const std::optional<EdgePath>& path,
             net::HttpRespond respond);
  // `respond` is moved along, never copied: with metrics on it is a wrapper
  // whose every copy would cost an allocation.
  void serve_watch(std::string_view rest, net::HttpRespond respond);
  void serve_media(const EdgePath& path, const Directives& directives, net::HttpRespond respond);
  void serve_playlist(const EdgePath& path, const Directives& directives, net::HttpRespond respond);
  // A part not listed yet (the preload hint) waits for the playlist to list it.
  void serve_part(const EdgePath& path, net::HttpRespond respond);
  static net::HttpResponse playlist_response(const std::string& key,
                                             const storage::ObjectPtr& playlist,
                                             const Directives& directives);
  // /vod/: checks the recording is the stream's, then serves it (serve_vod, or
  // its thumbnail for `query`).
  void serve_recording(const EdgePath& path, std::string query, std::optional<std::string> range,
                       net::HttpRespond respond);
  // A recording's objects (no live window to check); download.mp4 with Range,
  // streamed from the store in pieces (store_body_source.h).
  void serve_vod(const EdgePath& path, std::optional<std::string> range, net::HttpRespond respond);
  // `respond`, counting the client as a viewer of the stream if it gets the segment.
  net::HttpRespond counting_viewer(const net::HttpRequest& req, const EdgePath& path,
                                   net::HttpRespond respond);
  static net::HttpResponse serve_status(const EdgeStreamInfo& info);
  // The object at `key`, answered with object_response.
  void fetch(const std::string& key, net::HttpRespond respond);
  static net::HttpResponse object_response(const std::string& key,
                                           const Result<storage::ObjectPtr>& object);
  // 404 for a missing object, 503 (logged) when storage failed.
  static net::HttpResponse storage_error_response(const std::string& key, const Error& e);

  storage::ObjectReader& objects_;
  StreamDirectory& directory_;
  EdgeMetrics* metrics_;
  ViewerCounter* viewers_;
  StatusEvents* events_;
  BlockingReloads* reloads_;
  ThumbnailRoute thumbnails_;
};

// A small plain-text error with CORS and no-cache; the HTTP server also uses it
// for protocol errors (400, 408, 413, 431) on the edge listener.
net::HttpResponse text_error(int status, std::string_view code, std::string_view message);

}  // namespace antcdn::edge
