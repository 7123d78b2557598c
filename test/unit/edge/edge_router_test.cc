#include "edge/edge_router.h"

#include <future>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "common/time_util.h"
#include "metrics/registry.h"
#include "storage/cached_store.h"
#include "storage/memory_store.h"

namespace antcdn::edge {
namespace {

using media::LatencyMode;
using media::StreamState;

class FakeDirectory final : public StreamDirectory {
 public:
  std::optional<EdgeStreamInfo> lookup(const std::string& edge_id) override {
    ++lookups;
    auto it = streams.find(edge_id);
    return it == streams.end() ? std::nullopt : std::optional(it->second);
  }
  void lookup_async(const std::string& edge_id, LookupCallback done) override {
    done(lookup(edge_id));
  }
  void has_recording_async(const std::string& edge_id, const std::string& recording_id,
                           RecordingCallback done) override {
    auto it = recordings.find(recording_id);
    done(it != recordings.end() && it->second == edge_id);
  }
  std::map<std::string, EdgeStreamInfo> streams;
  std::map<std::string, std::string> recordings;  // recording id → its stream's edge id
  int lookups = 0;
};

// Fails every read, like a store whose disk went away.
class BrokenStore final : public storage::ObjectStore {
 public:
  Status put(const std::string&, const storage::ObjectPtr&) override { return fail(); }
  Result<storage::ObjectPtr> get(const std::string&) override { return fail(); }
  Status remove(const std::string&) override { return fail(); }
  Status remove_prefix(const std::string&) override { return fail(); }

 private:
  static Error fail() { return make_error(Code::Unavailable, "I/O error"); }
};

// Without a background pool every answer arrives before handle() returns.
net::HttpResponse answer(EdgeRouter& router, const net::HttpRequest& req) {
  std::optional<net::HttpResponse> res;
  router.handle(req, [&](net::HttpResponse r) { res = std::move(r); });
  EXPECT_TRUE(res.has_value());
  return res ? std::move(*res) : net::HttpResponse{};
}

// The whole body; a streamed one (download.mp4) drained piece by piece (the
// reads answer inline here).
std::string body_of(const net::HttpResponse& res) {
  if (!res.source) {
    return res.body_text();
  }
  std::string out;
  while (out.size() < res.source->length()) {
    std::optional<Result<Bytes>> piece;
    res.source->next([&](Result<Bytes> p) { piece = std::move(p); });
    if (!piece || !piece->ok()) {
      return "<a piece failed>";
    }
    out += as_chars(**piece);
  }
  return out;
}

std::string header(const net::HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) {
      return v;
    }
  }
  return "<missing>";
}

// A rendition's playlist naming one init section and one segment.
constexpr std::string_view kMediaPlaylist =
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:3\n"
    "#EXT-X-MAP:URI=\"init-s1.mp4\"\n#EXTINF:2.000,\ns1-3.m4s\n";

// Counts the reads that reach the origin, by key.
class CountingStore final : public storage::ObjectStore {
 public:
  explicit CountingStore(storage::ObjectStore& inner) : inner_(inner) {}
  Status put(const std::string& k, const storage::ObjectPtr& o) override {
    return inner_.put(k, o);
  }
  Result<storage::ObjectPtr> get(const std::string& k) override {
    ++reads[k];
    return inner_.get(k);
  }
  Status remove(const std::string& k) override { return inner_.remove(k); }
  Status remove_prefix(const std::string& p) override { return inner_.remove_prefix(p); }
  std::map<std::string, int> reads;

 private:
  storage::ObjectStore& inner_;
};

constexpr int64_t kStarted = 1773568800000;  // 2026-03-15T10:00:00Z
constexpr int64_t kEnded = 1773572400500;    // 2026-03-15T11:00:00.5Z

class EdgeRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.streams[live_] = {StreamState::Live, kStarted, std::nullopt, 3};
    directory_.streams[idle_] = {StreamState::Idle, std::nullopt, std::nullopt};
    directory_.streams[ended_] = {StreamState::Ended, kStarted, kEnded, 0, LatencyMode::Standard};
    for (const auto& id : {live_, idle_, ended_, deleted_}) {
      store(id + "/master.m3u8", "#EXTM3U master " + id);
      store(id + "/720p/index.m3u8", kMediaPlaylist);
      store(id + "/720p/init-s1.mp4", "init");
      store(id + "/720p/s1-3.m4s", "segment");
    }
  }
  void store(const std::string& key, std::string_view text) {
    ASSERT_TRUE(objects_.put(key, storage::make_object(to_bytes(text))).ok());
  }
  net::HttpResponse call(std::string target, std::string method = "GET") {
    net::HttpRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    return answer(router_, req);
  }

  std::string live_ = ids::new_edge_id(1);
  std::string idle_ = ids::new_edge_id(2);
  std::string ended_ = ids::new_edge_id(3);
  std::string deleted_ = ids::new_edge_id(4);  // objects left, no stream
  storage::MemoryStore memory_;
  CountingStore origin_{memory_};
  storage::CachedStore objects_{origin_, 1 << 20};
  FakeDirectory directory_;
  EdgeRouter router_{objects_, directory_};
};

TEST_F(EdgeRouterTest, ServesEveryMediaRouteWithItsHeaders) {
  struct Case {
    std::string path;
    std::string body;
    std::string content_type;
    std::string cache_control;
  };
  const std::string kImmutable = "public, max-age=31536000, immutable";
  for (const auto& c : std::vector<Case>{
           {"/master.m3u8", "#EXTM3U master " + live_, "application/vnd.apple.mpegurl",
            "public, max-age=1"},
           {"/720p/index.m3u8", std::string(kMediaPlaylist), "application/vnd.apple.mpegurl",
            "public, max-age=1"},
           {"/720p/init-s1.mp4", "init", "video/mp4", kImmutable},
           {"/720p/s1-3.m4s", "segment", "video/iso.segment", kImmutable},
       }) {
    for (const char* method : {"GET", "HEAD"}) {
      auto res = call("/live/" + live_ + c.path, method);
      EXPECT_EQ(res.status, 200) << method << " " << c.path << ": " << res.body_text();
      EXPECT_EQ(res.body_text(), c.body) << "HEAD bodies are dropped by the server, not here";
      EXPECT_EQ(header(res, "Content-Type"), c.content_type) << c.path;
      EXPECT_EQ(header(res, "Cache-Control"), c.cache_control) << c.path;
      EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*") << c.path;
    }
  }
}

TEST_F(EdgeRouterTest, DeliveryDirectivesOfAPlaylistWithoutPartsAreAnsweredAtOnce) {
  auto res = call("/live/" + live_ + "/720p/index.m3u8?_HLS_msn=4&_HLS_part=1&x=y");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body_text(), kMediaPlaylist);
  EXPECT_EQ(call("/live/" + live_ + "/master.m3u8?whatever=1").status, 200);
}

TEST_F(EdgeRouterTest, MalformedDeliveryDirectivesAre400) {
  for (const char* q : {"_HLS_part=1", "_HLS_msn=-1", "_HLS_msn=1x", "_HLS_msn=1&_HLS_part=z",
                        "_HLS_skip=NO", "_HLS_msn=%zz"}) {
    auto res = call("/live/" + live_ + "/720p/index.m3u8?" + q);
    EXPECT_EQ(res.status, 400) << q << ": " << res.body_text();
  }
}

// A low-latency playlist: segments 3 and 4 (parts 0-1 each), then part 0 of 5.
constexpr std::string_view kLowLatencyPlaylist =
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n"
    "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.000,PART-HOLD-BACK=3.000,"
    "HOLD-BACK=6.000\n#EXT-X-PART-INF:PART-TARGET=1.000\n#EXT-X-MEDIA-SEQUENCE:3\n"
    "#EXT-X-MAP:URI=\"init-s1.mp4\"\n"
    "#EXT-X-PART:DURATION=1.000,URI=\"s1-3.0.m4s\",INDEPENDENT=YES\n"
    "#EXT-X-PART:DURATION=1.000,URI=\"s1-3.1.m4s\"\n#EXTINF:2.000,\ns1-3.m4s\n"
    "#EXT-X-PART:DURATION=1.000,URI=\"s1-4.0.m4s\",INDEPENDENT=YES\n"
    "#EXT-X-PART:DURATION=1.000,URI=\"s1-4.1.m4s\"\n#EXTINF:2.000,\ns1-4.m4s\n"
    "#EXT-X-PART:DURATION=1.000,URI=\"s1-5.0.m4s\",INDEPENDENT=YES\n"
    "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s1-5.1.m4s\"\n";

TEST_F(EdgeRouterTest, BlockingReloadsWaitForThePartAndPartsForTheirListing) {
  BlockingReloads reloads({.poll_interval = std::chrono::hours(1)});
  EdgeRouter router{objects_, directory_, nullptr, nullptr, nullptr, &reloads};
  store(live_ + "/720p/index.m3u8", kLowLatencyPlaylist);
  store(live_ + "/720p/s1-5.0.m4s", "part 5.0");
  auto get = [&](const std::string& rest, std::optional<net::HttpResponse>& out) {
    net::HttpRequest req;
    req.method = "GET";
    req.target = "/live/" + live_ + rest;
    router.handle(req, [&out](net::HttpResponse r) { out = std::move(r); });
  };
  std::optional<net::HttpResponse> now;
  get("/720p/index.m3u8?_HLS_msn=5&_HLS_part=0", now);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->status, 200);
  EXPECT_EQ(header(*now, "Cache-Control"), "public, max-age=6");

  std::optional<net::HttpResponse> too_far;
  get("/720p/index.m3u8?_HLS_msn=7", too_far);
  ASSERT_TRUE(too_far);
  EXPECT_EQ(too_far->status, 400);

  // Answered later, on the poll thread.
  auto get_later = [&](const std::string& rest) {
    auto answer = std::make_shared<std::promise<net::HttpResponse>>();
    net::HttpRequest req;
    req.method = "GET";
    req.target = "/live/" + live_ + rest;
    router.handle(req, [answer](net::HttpResponse r) { answer->set_value(std::move(r)); });
    return answer->get_future();
  };
  auto held = get_later("/720p/index.m3u8?_HLS_msn=5&_HLS_part=1");
  auto hinted = get_later("/720p/s1-5.1.m4s");
  EXPECT_EQ(held.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "held until part 5.1 is listed";
  EXPECT_EQ(hinted.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the hinted part is held too";
  EXPECT_EQ(reloads.waiting(), 2u);

  std::string next(kLowLatencyPlaylist);
  next.insert(next.find("#EXT-X-PRELOAD-HINT"), "#EXT-X-PART:DURATION=1.000,URI=\"s1-5.1.m4s\"\n");
  store(live_ + "/720p/s1-5.1.m4s", "part 5.1");
  auto version = storage::make_object(to_bytes(next));
  objects_.publish(live_ + "/720p/index.m3u8", version);
  reloads.offer(live_ + "/720p/index.m3u8", version);
  ASSERT_EQ(held.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto held_res = held.get();
  EXPECT_EQ(held_res.status, 200);
  EXPECT_NE(held_res.body_text().find("s1-5.1.m4s"), std::string::npos);
  ASSERT_EQ(hinted.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto hinted_res = hinted.get();
  EXPECT_EQ(hinted_res.status, 200);
  EXPECT_EQ(hinted_res.body_text(), "part 5.1");

  std::optional<net::HttpResponse> listed;
  get("/720p/s1-4.1.m4s", listed);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 404) << "listed but never stored";
  std::optional<net::HttpResponse> far_part;
  get("/720p/s1-9.0.m4s", far_part);
  ASSERT_TRUE(far_part);
  EXPECT_EQ(far_part->status, 404) << "far ahead of the playlist: no wait, no read";
}

TEST_F(EdgeRouterTest, EndedStreamsStillPlayWithShortLivedPlaylists) {
  auto res = call("/live/" + ended_ + "/720p/index.m3u8");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=1");
  EXPECT_EQ(call("/live/" + ended_ + "/720p/s1-3.m4s").status, 200);
}

TEST_F(EdgeRouterTest, IdleUnknownAndDeletedStreamsHaveNoMedia) {
  for (const auto& id : {idle_, deleted_, ids::new_edge_id(5)}) {
    for (const char* path :
         {"/master.m3u8", "/720p/index.m3u8", "/720p/init-s1.mp4", "/720p/s1-3.m4s"}) {
      auto res = call("/live/" + id + path);
      EXPECT_EQ(res.status, 404) << id << path;
      EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
      EXPECT_EQ(header(res, "Cache-Control"), "no-cache");
      EXPECT_EQ(res.body_text().find("#EXTM3U"), std::string::npos);
    }
  }
}

TEST_F(EdgeRouterTest, MissingObjectsOfALiveStreamAre404) {
  EXPECT_EQ(call("/live/" + live_ + "/1080p/index.m3u8").status, 404);
  EXPECT_EQ(call("/live/" + live_ + "/720p/s1-4.m4s").status, 404);
}

// A viewer only asks for names it saw in a playlist: made-up names are
// answered from the (cached) playlist, without reading the origin.
TEST_F(EdgeRouterTest, NamesFarFromThePlaylistAre404WithoutAnOriginRead) {
  for (std::string name :
       {"s2-3.m4s", "init-s2.mp4", "s1-1000.m4s", "x-0.m4s", "s1-99999999999999999999.m4s"}) {
    EXPECT_EQ(call("/live/" + live_ + "/720p/" + name).status, 404) << name;
    EXPECT_EQ(origin_.reads[live_ + "/720p/" + name], 0) << name;
  }
  // A name just ahead of this node's copy of the playlist may exist already
  // (another node wrote a newer one): it is read.
  ASSERT_TRUE(memory_.put(live_ + "/720p/s1-4.m4s", storage::make_object(to_bytes("next"))).ok());
  EXPECT_EQ(call("/live/" + live_ + "/720p/s1-4.m4s").body_text(), "next");
  EXPECT_EQ(origin_.reads[live_ + "/720p/s1-4.m4s"], 1);
}

TEST_F(EdgeRouterTest, SegmentsOfARenditionWithoutAPlaylistAre404) {
  store(live_ + "/480p/init-s1.mp4", "init");
  EXPECT_EQ(call("/live/" + live_ + "/480p/init-s1.mp4").status, 404);
  EXPECT_EQ(origin_.reads[live_ + "/480p/init-s1.mp4"], 0);
}

TEST_F(EdgeRouterTest, TraversalAndMalformedPathsAre404WithoutALookup) {
  store("secret", "do not serve");
  for (const std::string& path : std::vector<std::string>{
           "/live/" + live_ + "/../secret",
           "/live/" + live_ + "/%2e%2e/secret",
           "/live/" + live_ + "/720p/%2e%2e/%2e%2e/secret",
           "/live/" + live_ + "//master.m3u8",
           "/live/" + live_ + "/720p//index.m3u8",
           "/live/" + live_ + "/./master.m3u8",
           "/live/" + live_ + "/720p/.index.m3u8.~tmp",
           "/live/" + live_ + "/",
           "/live/" + live_,
           "/live/../secret",
           "/secret",
           "/live/" + live_ + "/master.m3u8/",
           "/live/" + live_ + "/720p/index.m3u8/..",
           "/live/" + live_ + "%2fmaster.m3u8",
       }) {
    auto res = call(path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.body_text().find("do not serve"), std::string::npos) << path;
  }
  EXPECT_EQ(directory_.lookups, 0);
}

TEST_F(EdgeRouterTest, StatusJsonForEveryExistingStream) {
  auto live = call("/live/" + live_ + "/status.json");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(
      live.body,
      R"({"state":"live","startedAt":"2026-03-15T10:00:00Z","endedAt":null,"viewers":3,"latencyMode":"low","replay":null})");
  EXPECT_EQ(header(live, "Content-Type"), "application/json");
  EXPECT_EQ(header(live, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(live, "Access-Control-Allow-Origin"), "*");

  auto idle = call("/live/" + idle_ + "/status.json");
  EXPECT_EQ(idle.status, 200);
  EXPECT_EQ(
      idle.body,
      R"({"state":"idle","startedAt":null,"endedAt":null,"viewers":0,"latencyMode":"low","replay":null})");

  auto ended = call("/live/" + ended_ + "/status.json", "HEAD");
  EXPECT_EQ(ended.status, 200);
  EXPECT_EQ(
      ended.body,
      R"({"state":"ended","startedAt":"2026-03-15T10:00:00Z","endedAt":"2026-03-15T11:00:00Z","viewers":0,"latencyMode":"standard","replay":null})");

  directory_.streams[live_].state = StreamState::Error;
  EXPECT_NE(call("/live/" + live_ + "/status.json").body.find(R"("state":"error")"),
            std::string::npos);
  EXPECT_EQ(call("/live/" + deleted_ + "/status.json").status, 404);
}

TEST_F(EdgeRouterTest, StatusJsonNeverShowsIds) {
  auto res = call("/live/" + live_ + "/status.json");
  EXPECT_EQ(res.body_text().find("ls_"), std::string::npos);
  EXPECT_EQ(res.body_text().find("lse_"), std::string::npos);
  EXPECT_EQ(res.body_text().find("streamId"), std::string::npos);
}

TEST_F(EdgeRouterTest, OptionsIsAPreflightAnywhere) {
  for (const std::string& path :
       std::vector<std::string>{"/live/" + live_ + "/master.m3u8", std::string("/nowhere")}) {
    auto res = call(path, "OPTIONS");
    EXPECT_EQ(res.status, 204);
    EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(header(res, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    EXPECT_EQ(header(res, "Access-Control-Allow-Headers"), "*");
  }
}

TEST_F(EdgeRouterTest, OtherMethodsAre405) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "get"}) {
    auto res = call("/live/" + live_ + "/master.m3u8", method);
    EXPECT_EQ(res.status, 405) << method;
    EXPECT_EQ(header(res, "Allow"), "GET, HEAD, OPTIONS");
    EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
  }
  auto still = objects_.get(live_ + "/master.m3u8");
  EXPECT_TRUE(still.ok());
}

TEST_F(EdgeRouterTest, Healthz) {
  auto res = call("/healthz");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body_text(), "ok\n");
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
}

TEST_F(EdgeRouterTest, StorageFailureIs503NotAFake404) {
  BrokenStore broken;
  storage::CachedStore cached(broken, 1 << 20);
  EdgeRouter router(cached, directory_);
  net::HttpRequest req;
  req.method = "GET";
  req.target = "/live/" + live_ + "/720p/index.m3u8";
  auto res = answer(router, req);
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(header(res, "Retry-After"), "1");
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
}

TEST(TextErrorTest, PlainTextWithCorsAndNoCache) {
  auto res = text_error(431, "headers_too_large", "too big");
  EXPECT_EQ(res.status, 431);
  EXPECT_EQ(res.body_text(), "headers_too_large: too big\n");
  EXPECT_EQ(header(res, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(res, "Cache-Control"), "no-cache");
}

// The viewer page is one HTML for every stream; an unknown stream still gets
// the page (it says "not found") but with a 404 status.
TEST_F(EdgeRouterTest, ServesTheViewerPageAndItsAssets) {
  auto page = call("/watch/" + live_);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(header(page, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(header(page, "Content-Security-Policy").find("media-src 'self' blob:"),
            std::string::npos);
  EXPECT_EQ(header(page, "X-Frame-Options"), "<missing>");  // embeddable
  EXPECT_NE(page.body_text().find("<html"), std::string::npos);
  EXPECT_EQ(call("/watch/" + deleted_).status, 404);
  EXPECT_EQ(call("/watch/" + deleted_).body_text(), page.body_text());
  EXPECT_EQ(call("/watch/not-an-id").status, 404);
  EXPECT_EQ(call("/watch/" + live_ + "/").status, 404);
  auto hls = call("/watch/assets/hls.min.js", "HEAD");
  EXPECT_EQ(hls.status, 200);
  EXPECT_GT(hls.body_size(), 100000u);
  EXPECT_EQ(call("/watch/assets/nope.js").status, 404);
}

TEST(EdgeMetricsTest, CountsRequestsByKindAndStatusAndBodyBytes) {
  storage::MemoryStore memory;
  storage::CachedStore objects(memory, 1 << 20);
  FakeDirectory directory;
  std::string live = ids::new_edge_id(1);
  directory.streams[live] = {StreamState::Live, kStarted, std::nullopt};
  ASSERT_TRUE(
      objects.put(live + "/720p/index.m3u8", storage::make_object(to_bytes(kMediaPlaylist))).ok());
  ASSERT_TRUE(objects.put(live + "/720p/s1-3.m4s", storage::make_object(to_bytes("segment"))).ok());
  metrics::Registry registry;
  EdgeMetrics metrics(registry);
  EdgeRouter router(objects, directory, &metrics);
  auto call = [&](std::string target, std::string method = "GET") {
    net::HttpRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    return answer(router, req).status;
  };
  EXPECT_EQ(call("/live/" + live + "/720p/s1-3.m4s"), 200);
  EXPECT_EQ(call("/live/" + live + "/720p/s1-3.m4s", "HEAD"), 200);
  EXPECT_EQ(call("/live/" + live + "/720p/s1-9999.m4s"), 404);
  EXPECT_EQ(call("/live/" + live + "/720p/index.m3u8", "POST"), 405);
  EXPECT_EQ(call("/healthz"), 200);

  auto value = [&](std::string_view name, const metrics::Labels& labels) {
    for (const auto& f : registry.collect()) {
      for (const auto& s : f.samples) {
        if (f.name == name && s.labels == labels) {
          return s.value;
        }
      }
    }
    return -1.0;
  };
  EXPECT_EQ(value("antcdn_edge_requests_total", {{"kind", "segment"}, {"status", "200"}}), 2);
  EXPECT_EQ(value("antcdn_edge_requests_total", {{"kind", "segment"}, {"status", "404"}}), 1);
  EXPECT_EQ(value("antcdn_edge_requests_total", {{"kind", "playlist"}, {"status", "405"}}), 1);
  EXPECT_EQ(value("antcdn_edge_requests_total", {{"kind", "other"}, {"status", "200"}}), 1);
  // The segment once (the HEAD sent no body) and the 404's text.
  EXPECT_EQ(value("antcdn_edge_sent_bytes_total", {{"kind", "segment"}}),
            7 + text_error(404, "not_found", "no such stream or object").body.size());
}

// Viewers are clients that got a media segment: not playlists, not 404s.
TEST_F(EdgeRouterTest, CountsClientsOfSegmentsAsViewers) {
  ViewerCounter viewers({}, 7);
  EdgeRouter router(objects_, directory_, nullptr, &viewers);
  auto get = [&](const std::string& target, const std::string& address, const std::string& ua,
                 const std::string& method = "GET") {
    net::HttpRequest req;
    req.method = method;
    req.target = target;
    req.remote_address = address;
    req.headers.emplace_back("user-agent", ua);
    return answer(router, req);
  };
  std::string segment = "/live/" + live_ + "/720p/s1-3.m4s";
  EXPECT_EQ(get(segment, "10.0.0.1", "Safari").status, 200);
  EXPECT_EQ(get(segment, "10.0.0.1", "Safari").status, 200);   // the same client
  EXPECT_EQ(get(segment, "10.0.0.1", "Firefox").status, 200);  // another one
  EXPECT_EQ(get("/live/" + live_ + "/720p/index.m3u8", "10.0.0.2", "x").status, 200);
  EXPECT_EQ(get("/live/" + live_ + "/720p/s1-999.m4s", "10.0.0.3", "x").status, 404);
  EXPECT_EQ(get("/live/" + idle_ + "/720p/s1-3.m4s", "10.0.0.4", "x").status, 404);
  EXPECT_EQ(get(segment, "10.0.0.5", "x", "HEAD").status, 200);
  auto counts = viewers.counts(unix_now_ms());
  EXPECT_EQ(counts.size(), 1U);
  EXPECT_EQ(counts[live_], 2);
}

}  // namespace
}  // namespace antcdn::edge

namespace antcdn::edge {
namespace {

// /vod/: a recording's objects for a stream in any state; the MP4 with ranges.
TEST_F(EdgeRouterTest, ServesARecordingWithByteRanges) {
  const std::string rec = ids::new_recording_id(5);
  store("recordings/" + rec + "/master.m3u8", "#EXTM3U vod");
  store("recordings/" + rec + "/720p/s1-0.m4s", "vod segment");
  // Straight into the origin, as put_file stores it: not in the cache.
  ASSERT_TRUE(
      memory_
          .put("recordings/" + rec + "/download.mp4", storage::make_object(to_bytes("0123456789")))
          .ok());
  const size_t entries_before = objects_.stats().entries;
  directory_.recordings[rec] = idle_;
  const std::string base = "/vod/" + idle_ + "/" + rec;
  EXPECT_EQ(call(base + "/master.m3u8").body_text(), "#EXTM3U vod");
  // Another stream's edge id never reaches it.
  EXPECT_EQ(call("/vod/" + live_ + "/" + rec + "/master.m3u8").status, 404);
  EXPECT_EQ(call("/vod/" + live_ + "/" + rec + "/download.mp4").status, 404);
  EXPECT_EQ(call("/vod/" + live_ + "/" + rec + "/thumbnail.jpg").status, 404);
  EXPECT_EQ(call(base + "/720p/s1-0.m4s").body_text(), "vod segment");
  EXPECT_EQ(call(base + "/thumbnail.jpg").status, 404);
  EXPECT_EQ(call("/vod/" + deleted_ + "/" + rec + "/master.m3u8").status, 404);

  auto whole = call(base + "/download.mp4");
  EXPECT_EQ(whole.status, 200);
  ASSERT_TRUE(whole.source) << "streamed from the store, not read whole";
  EXPECT_EQ(whole.body_size(), 10u);
  EXPECT_EQ(body_of(whole), "0123456789");
  EXPECT_EQ(header(whole, "Content-Type"), "video/mp4");
  EXPECT_EQ(header(whole, "Accept-Ranges"), "bytes");
  EXPECT_EQ(header(whole, "Content-Disposition"), "attachment; filename=\"" + rec + ".mp4\"");
  EXPECT_EQ(objects_.stats().entries, entries_before) << "the MP4 never enters the cache";

  auto ranged = [&](std::string range) {
    net::HttpRequest req;
    req.method = "GET";
    req.target = base + "/download.mp4";
    req.headers.emplace_back("range", std::move(range));
    return answer(router_, req);
  };
  auto part = ranged("bytes=2-4");
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(body_of(part), "234");
  EXPECT_EQ(part.body_size(), 3u);
  EXPECT_EQ(header(part, "Content-Range"), "bytes 2-4/10");
  EXPECT_EQ(body_of(ranged("bytes=-3")), "789");
  auto refused = ranged("bytes=10-");
  EXPECT_EQ(refused.status, 416);
  EXPECT_EQ(header(refused, "Content-Range"), "bytes */10");
  EXPECT_EQ(ranged("bytes=0-1,4-5").status, 200);
  auto head = call(base + "/download.mp4", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body_size(), 10u);
  EXPECT_EQ(call(base + "/none.mp4").status, 404);
  const std::string missing = "/vod/" + idle_ + "/" + ids::new_recording_id(6) + "/download.mp4";
  EXPECT_EQ(call(missing).status, 404);
}

TEST_F(EdgeRouterTest, AnEmptyDownloadHasNoBodyToStream) {
  const std::string rec = ids::new_recording_id(7);
  store("recordings/" + rec + "/download.mp4", "");
  directory_.recordings[rec] = idle_;
  auto res = call("/vod/" + idle_ + "/" + rec + "/download.mp4");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body_size(), 0u);
  EXPECT_FALSE(res.source);
}

TEST_F(EdgeRouterTest, StatusJsonOffersTheLatestReadyRecording) {
  directory_.streams[ended_].replay_path = "/vod/" + ended_ + "/rec_x";
  directory_.streams[ended_].replay_has_mp4 = true;
  auto ended = call("/live/" + ended_ + "/status.json");
  EXPECT_NE(ended.body.find(R"("replay":{"hlsUrl":"/vod/)" + ended_ +
                            R"(/rec_x/master.m3u8","mp4Url":"/vod/)" + ended_ +
                            R"(/rec_x/download.mp4"}})"),
            std::string::npos)
      << ended.body;
}

}  // namespace
}  // namespace antcdn::edge
