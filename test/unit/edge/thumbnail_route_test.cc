#include "edge/thumbnail_route.h"

#include <map>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "common/ids.h"
#include "edge/edge_router.h"
#include "storage/cached_store.h"
#include "storage/memory_store.h"

namespace antcdn::edge {
namespace {

using media::StreamState;

// Streams known by edge id, answered at once.
struct Streams final : StreamDirectory {
  std::map<std::string, EdgeStreamInfo> known;
  std::optional<EdgeStreamInfo> lookup(const std::string& edge_id) override {
    auto it = known.find(edge_id);
    return it == known.end() ? std::nullopt : std::optional(it->second);
  }
  void lookup_async(const std::string& edge_id, LookupCallback done) override {
    done(lookup(edge_id));
  }
  void has_recording_async(const std::string&, const std::string&,
                           RecordingCallback done) override {
    done(false);  // the route is handed recordings already checked
  }
};

// Answers every render with `answer` and remembers the requests.
struct FakeThumbnails final : thumbnail::ThumbnailSource {
  Result<thumbnail::Jpeg> answer = thumbnail::Jpeg(std::make_shared<const Bytes>(to_bytes("JPEG")));
  std::vector<thumbnail::ThumbnailRequest> requests;
  void render_async(const thumbnail::ThumbnailRequest& request,
                    thumbnail::ThumbnailCallback done) override {
    requests.push_back(request);
    done(answer);
  }
};

std::string header(const net::HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) {
      return v;
    }
  }
  return "<missing>";
}

class ThumbnailRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    streams_.known[live_] = {StreamState::Live, 1, std::nullopt};
    streams_.known[idle_] = {StreamState::Idle, std::nullopt, std::nullopt};
    streams_.known[ended_] = {StreamState::Ended, 1, 2};
  }
  net::HttpResponse call(const std::string& target, std::string method = "GET") {
    net::HttpRequest req;
    req.method = std::move(method);
    req.target = target;
    std::optional<net::HttpResponse> res;
    router_.handle(req, [&](net::HttpResponse r) { res = std::move(r); });
    EXPECT_TRUE(res.has_value()) << target;
    return res ? std::move(*res) : net::HttpResponse{};
  }

  std::string live_ = ids::new_edge_id(1);
  std::string idle_ = ids::new_edge_id(2);
  std::string ended_ = ids::new_edge_id(3);
  std::string unknown_ = ids::new_edge_id(4);
  storage::MemoryStore memory_;
  storage::CachedStore objects_{memory_, 1 << 20};
  Streams streams_;
  FakeThumbnails thumbnails_;
  EdgeRouter router_{objects_, streams_, nullptr, nullptr, nullptr, nullptr, &thumbnails_};
};

TEST_F(ThumbnailRouteTest, ServesAJpegOfTheStreamsMasterAtTheAskedWidth) {
  for (const char* method : {"GET", "HEAD"}) {
    auto res = call("/live/" + live_ + "/thumbnail.jpg?width=160", method);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(header(res, "Content-Type"), "image/jpeg");
    EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=2");
    EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(res.body_text(), "JPEG");
  }
  ASSERT_EQ(thumbnails_.requests.size(), 2u);
  EXPECT_EQ(thumbnails_.requests[0].master_key, live_ + "/master.m3u8");
  EXPECT_EQ(thumbnails_.requests[0].width, 160);
  EXPECT_FALSE(thumbnails_.requests[0].time_s.has_value());
  call("/live/" + live_ + "/thumbnail.jpg");
  EXPECT_EQ(thumbnails_.requests.back().width, 0);  // the source width
}

TEST_F(ThumbnailRouteTest, EndedAndIdleStreamsKeepTheirLastPicture) {
  EXPECT_EQ(call("/live/" + ended_ + "/thumbnail.jpg").status, 200);
  EXPECT_EQ(call("/live/" + idle_ + "/thumbnail.jpg").status, 200);
  thumbnails_.answer = make_error(Code::NotFound, "no playlist");  // never published
  EXPECT_EQ(call("/live/" + idle_ + "/thumbnail.jpg").status, 404);
}

TEST_F(ThumbnailRouteTest, UnknownStreamsAre404WithoutARender) {
  auto res = call("/live/" + unknown_ + "/thumbnail.jpg?width=160");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "*");
  EXPECT_TRUE(thumbnails_.requests.empty());
}

TEST_F(ThumbnailRouteTest, MalformedWidthsAre400) {
  for (const char* query :
       {"width=abc", "width=0", "width=-1", "width=7681", "width=", "width=1e3", "width=%zz"}) {
    auto res = call("/live/" + live_ + "/thumbnail.jpg?" + query);
    EXPECT_EQ(res.status, 400) << query;
  }
  EXPECT_TRUE(thumbnails_.requests.empty());
  EXPECT_EQ(call("/live/" + live_ + "/thumbnail.jpg?width=7680&x=1").status, 200);
}

TEST_F(ThumbnailRouteTest, RenderFailuresMapToStatuses) {
  thumbnails_.answer = make_error(Code::Unsupported, "H.265 top rendition");
  EXPECT_EQ(call("/live/" + live_ + "/thumbnail.jpg").status, 404);
  for (Code code : {Code::ResourceExhausted, Code::Unavailable}) {
    thumbnails_.answer = make_error(code, "busy");
    auto res = call("/live/" + live_ + "/thumbnail.jpg");
    EXPECT_EQ(res.status, 503);
    EXPECT_EQ(header(res, "Retry-After"), "1");
  }
}

TEST_F(ThumbnailRouteTest, RecordingsAskForTheirMasterAtATime) {
  ThumbnailRoute route(streams_, &thumbnails_);
  auto ask = [&](const std::string& query) {
    net::HttpRequest req;
    req.method = "GET";
    req.target = "/vod/x/rec_1/thumbnail.jpg" + query;
    std::optional<net::HttpResponse> res;
    route.serve_recording(req.query(), "recordings/rec_1/master.m3u8",
                          [&](net::HttpResponse r) { res = std::move(r); });
    EXPECT_TRUE(res.has_value());
    return res ? res->status : 0;
  };
  EXPECT_EQ(ask("?time=12.5&width=320"), 200);
  ASSERT_EQ(thumbnails_.requests.size(), 1u);
  EXPECT_EQ(thumbnails_.requests[0].master_key, "recordings/rec_1/master.m3u8");
  EXPECT_EQ(thumbnails_.requests[0].time_s, 12.5);
  EXPECT_EQ(thumbnails_.requests[0].width, 320);
  EXPECT_EQ(ask(""), 200);
  EXPECT_EQ(thumbnails_.requests[1].time_s, 0.0);
  for (const char* bad : {"?time=-1", "?time=abc", "?time=nan", "?time=inf", "?time=1&width=0"}) {
    EXPECT_EQ(ask(bad), 400) << bad;
  }
  EXPECT_EQ(thumbnails_.requests.size(), 2u);
}

TEST(ThumbnailTime, ParsesTheQuery) {
  EXPECT_EQ(parse_thumbnail_time(""), 0.0);
  EXPECT_EQ(parse_thumbnail_time("time=0"), 0.0);
  EXPECT_EQ(parse_thumbnail_time("width=5&time=3.25"), 3.25);
  EXPECT_EQ(parse_thumbnail_time("time=10000001"), std::nullopt);
  EXPECT_EQ(parse_thumbnail_time("time="), std::nullopt);
}

TEST(ThumbnailWidth, ParsesTheQuery) {
  EXPECT_EQ(parse_thumbnail_width(""), 0);
  EXPECT_EQ(parse_thumbnail_width("foo=bar"), 0);
  EXPECT_EQ(parse_thumbnail_width("width=320"), 320);
  EXPECT_EQ(parse_thumbnail_width("a=1&width=16"), 16);
  EXPECT_EQ(parse_thumbnail_width("width=1"), 1);  // clamped to 16 by the renderer
  EXPECT_EQ(parse_thumbnail_width("width=+5"), std::nullopt);
  EXPECT_EQ(parse_thumbnail_width("width=5.5"), std::nullopt);
}

}  // namespace
}  // namespace antcdn::edge
