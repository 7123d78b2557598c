#include "api/router.h"

#include <array>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "app/keys_cli.h"
#include "common/ids.h"
#include "store/sqlite/sqlite_store.h"
#include "support/http_helpers.h"
#include "support/temp_dir.h"

namespace antcdn::api {
namespace {

namespace json = boost::json;

class RecordingSessions : public lifecycle::SessionControl {
 public:
  void kill_session(const std::string& stream_id) override { killed.push_back(stream_id); }
  void fail_session(const std::string& stream_id, const std::string&) override {
    killed.push_back(stream_id);
  }
  std::vector<std::string> killed;
};

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::sqlite::SqliteStore::open(dir_.file("db")));
    key_a_ = std::string(app::create_api_key(*store_, "a")->reveal());
    key_b_ = std::string(app::create_api_key(*store_, "b")->reveal());
    streams_ = std::make_unique<LiveStreams>(
        *store_, PublicUrls{"rtmp://ingest.test/live", "https://edge.test"}, &sessions_);
    router_ = std::make_unique<Router>(*store_, *streams_);
  }

  net::HttpResponse call(std::string method, std::string target, std::string body = "",
                         const std::string* key = nullptr,
                         std::string content_type = "application/json") {
    net::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers.emplace_back("x-api-key", key ? *key : key_a_);
    if (!content_type.empty()) {
      r.headers.emplace_back("content-type", content_type);
    }
    return router_->handle(r);
  }

  json::object create(const std::string& name = "Friday Night Stream") {
    auto res = call("POST", "/v1/live-streams", R"({"name":")" + name + R"(","quality":"high"})");
    EXPECT_EQ(res.status, 201) << res.body;
    return json::parse(res.body).as_object();
  }

  static std::string error_code(const net::HttpResponse& res) {
    return std::string(json::parse(res.body).at("error").at("code").as_string());
  }

  void set_state(const std::string& id, media::StreamState s) {
    ASSERT_TRUE(store_
                    ->update(id,
                             [&](store::StreamRecord& r) {
                               r.state = s;
                               return Status{};
                             })
                    .ok());
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::string key_a_;
  std::string key_b_;
  RecordingSessions sessions_;
  std::unique_ptr<LiveStreams> streams_;
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, CreateReturnsTheGuideShapeWithTheKeyOnce) {
  auto s = create();
  EXPECT_TRUE(std::string(s["streamId"].as_string()).starts_with("ls_"));
  EXPECT_TRUE(std::string(s["edgeId"].as_string()).starts_with("lse_"));
  EXPECT_EQ(s["name"], "Friday Night Stream");
  EXPECT_EQ(s["state"], "idle");
  EXPECT_EQ(s["quality"], "high");
  EXPECT_EQ(s["reconnectWindowSeconds"], 60);
  EXPECT_EQ(s["latencyMode"], "low");  // the default
  EXPECT_TRUE(s["startedAt"].is_null());
  auto& ingest = s["ingest"].as_object();
  EXPECT_EQ(ingest["rtmpUrl"], "rtmp://ingest.test/live");
  std::string key(ingest["streamKey"].as_string());
  EXPECT_TRUE(key.starts_with("sk_live_"));
  EXPECT_EQ(ingest["rtmpFullUrl"], json::value("rtmp://ingest.test/live/" + key));
  EXPECT_EQ(s["playback"].at("hlsUrl"),
            json::value("https://edge.test/live/" + std::string(s["edgeId"].as_string()) +
                        "/master.m3u8"));

  auto got = call("GET", "/v1/live-streams/" + std::string(s["streamId"].as_string()));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find("sk_live_"), std::string::npos);
  auto o = json::parse(got.body).as_object();
  EXPECT_FALSE(o["ingest"].as_object().contains("streamKey"));
  EXPECT_FALSE(o["ingest"].as_object().contains("rtmpFullUrl"));
}

TEST_F(RouterTest, CreateAnswers429PastTheStreamsPerKeyQuota) {
  streams_ = std::make_unique<LiveStreams>(
      *store_, PublicUrls{"rtmp://i.test/live", "https://e.test"}, &sessions_, nullptr, 2);
  router_ = std::make_unique<Router>(*store_, *streams_);
  create("one");
  std::string two(create("two")["streamId"].as_string());
  auto res = call("POST", "/v1/live-streams", R"({"name":"three"})");
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(error_code(res), "too_many_requests");
  EXPECT_NE(res.body.find("already has 2 live streams"), std::string::npos) << res.body;
  // The quota is per key: another key still creates.
  EXPECT_EQ(call("POST", "/v1/live-streams", R"({"name":"b"})", &key_b_).status, 201);
  // Deleting one makes room again.
  EXPECT_EQ(call("DELETE", "/v1/live-streams/" + two).status, 204);
  EXPECT_EQ(call("POST", "/v1/live-streams", R"({"name":"three"})").status, 201);
}

TEST_F(RouterTest, AnotherKeysStreamIsNotFound) {
  std::string id(create()["streamId"].as_string());
  EXPECT_EQ(call("GET", "/v1/live-streams/" + id, "", &key_b_).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/live-streams/" + id, "", &key_b_).status, 404);
  EXPECT_EQ(call("POST", "/v1/live-streams/" + id + "/rotate-key", "", &key_b_).status, 404);
  EXPECT_EQ(call("PATCH", "/v1/live-streams/" + id, R"({"name":"x"})", &key_b_).status, 404);
  auto list = json::parse(call("GET", "/v1/live-streams", "", &key_b_).body);
  EXPECT_TRUE(list.at("data").as_array().empty());
  EXPECT_EQ(call("GET", "/v1/live-streams/" + id).status, 200);
}

// Not a hint that a stream exists under another key: a missing stream, a
// malformed id and another key's stream get the same answer, word for word.
TEST_F(RouterTest, AnotherKeysStreamAnswersExactlyLikeAMissingOne) {
  std::string theirs(create()["streamId"].as_string());
  std::string missing = "ls_00000000000000000000000000";
  for (const auto& [method, suffix, body] :
       std::vector<std::array<std::string, 3>>{{"GET", "", ""},
                                               {"PATCH", "", R"({"name":"x"})"},
                                               {"DELETE", "", ""},
                                               {"POST", "/rotate-key", ""}}) {
    auto answer = [&](const std::string& id) {
      auto res = call(method, "/v1/live-streams/" + id + suffix, body, &key_b_);
      EXPECT_EQ(res.status, 404) << method << " " << id;
      return res.body;
    };
    std::string expected = answer(theirs);
    EXPECT_EQ(answer(missing), expected) << method;
    EXPECT_EQ(answer("ls_nope"), expected) << method;
  }
  EXPECT_EQ(call("POST", "/v1/live-streams//rotate-key").body,
            call("GET", "/v1/live-streams/" + missing).body);
}

TEST_F(RouterTest, Authentication) {
  std::string bad = "ak_wrong";
  auto res = call("GET", "/v1/live-streams", "", &bad);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(error_code(res), "unauthorized");
  net::HttpRequest no_key{.method = "GET", .target = "/v1/live-streams"};
  EXPECT_EQ(router_->handle(no_key).status, 401);
  auto keys = store_->list_keys();
  ASSERT_EQ((*keys)[0].name, "a");
  ASSERT_TRUE(store_->revoke_key((*keys)[0].key_id, 1).ok());
  EXPECT_EQ(call("GET", "/v1/live-streams").status, 401);
}

TEST_F(RouterTest, CreateTakesALatencyMode) {
  auto res = call("POST", "/v1/live-streams", R"({"name":"plain","latencyMode":"standard"})");
  ASSERT_EQ(res.status, 201) << res.body;
  std::string id(json::parse(res.body).at("streamId").as_string());
  EXPECT_EQ(json::parse(res.body).at("latencyMode"), "standard");
  auto listed = json::parse(call("GET", "/v1/live-streams").body).at("data").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("latencyMode"), "standard");
  EXPECT_EQ((*store_->get(id))->latency_mode, media::LatencyMode::Standard);
}

TEST_F(RouterTest, RejectsBadInputWithClearErrors) {
  struct Case {
    std::string body;
    std::string content_type;
    int status;
  };
  std::vector<Case> cases = {
      {"{", "application/json", 400},
      {"[]", "application/json", 400},
      {R"({"name": 5})", "application/json", 400},
      {R"({"name": ""})", "application/json", 400},
      {R"({"name": ")" + std::string(500, 'x') + R"("})", "application/json", 400},
      {R"({"name": "ok", "quality": "ultra"})", "application/json", 400},
      {R"({"name": "ok", "reconnectWindowSeconds": 1801})", "application/json", 400},
      {R"({"name": "ok", "reconnectWindowSeconds": -1})", "application/json", 400},
      {R"({"name": "ok", "reconnectWindowSeconds": 1.5})", "application/json", 400},
      {R"({"name": "ok", "latencyMode": "ultra-low"})", "application/json", 400},
      {R"({"name": "ok", "latencyMode": "LOW"})", "application/json", 400},
      {R"({"name": "ok", "latencyMode": null})", "application/json", 400},
      {R"({"name": "ok", "latencyMode": 1})", "application/json", 400},
      {R"({"quality": "high"})", "application/json", 400},
      {R"({"name": "ok"})", "text/plain", 415},
      {R"({"name": "ok"})", "", 415},
      {"\xff\xfe", "application/json", 400},
  };
  for (const auto& c : cases) {
    auto res = call("POST", "/v1/live-streams", c.body, nullptr, c.content_type);
    EXPECT_EQ(res.status, c.status) << c.body;
    EXPECT_FALSE(error_code(res).empty());
    EXPECT_FALSE(json::parse(res.body).at("error").at("message").as_string().empty());
  }
  EXPECT_TRUE(json::parse(call("GET", "/v1/live-streams").body).at("data").as_array().empty());
  auto ok =
      call("POST", "/v1/live-streams", R"({"name": "ok; charset", "reconnectWindowSeconds": 0})",
           nullptr, "application/json; charset=utf-8");
  EXPECT_EQ(ok.status, 201);
}

TEST_F(RouterTest, RoutesAndMethods) {
  EXPECT_EQ(call("GET", "/v1/nope").status, 404);
  EXPECT_EQ(call("GET", "/").status, 302);  // to the console
  auto res = call("PUT", "/v1/live-streams");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(error_code(res), "method_not_allowed");
  EXPECT_EQ(call("GET", "/v1/live-streams/ls_nope").status, 404);
  EXPECT_EQ(call("GET", "/v1/live-streams/ls_00000000000000000000000000").status, 404);
  EXPECT_EQ(call("GET", "/v1/live-streams/x/rotate-key").status, 405);
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}

using test::header_of;

// The console is public HTML (it signs in by calling /v1 with a key), served
// with a policy that allows no inline script and no framing.
TEST_F(RouterTest, ServesTheConsoleWithoutAKey) {
  auto page = call("GET", "/console", "", nullptr);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(header_of(page, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(header_of(page, "Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_NE(page.body_text().find("<html"), std::string::npos);
  auto script = call("GET", "/console/assets/hls.min.js", "", nullptr);
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(header_of(script, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/console/assets/console.html", "", nullptr).status, 404);
  EXPECT_EQ(call("GET", "/console/assets/../etc/passwd", "", nullptr).status, 404);
  EXPECT_EQ(call("POST", "/console", "", nullptr).status, 405);
}

// The API's description is public too and needs no database: it is answered on
// the event loop (answer_without_store) for a request that carries no key.
TEST_F(RouterTest, ServesTheOpenApiDocumentWithoutAKey) {
  for (std::string method : {"GET", "HEAD"}) {
    net::HttpRequest r;
    r.method = method;
    r.target = "/v1/openapi.json";
    auto res = router_->answer_without_store(r);
    ASSERT_TRUE(res.has_value()) << method;
    ASSERT_EQ(res->status, 200) << method;
    EXPECT_EQ(header_of(*res, "Content-Type"), "application/json");
    EXPECT_EQ(header_of(*res, "Cache-Control"), "public, max-age=300");
    json::error_code ec;
    json::value doc = json::parse(res->body_text(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(std::string_view(doc.at("openapi").as_string()).starts_with("3.1."));
    EXPECT_TRUE(doc.at("paths").as_object().contains("/v1/live-streams/{streamId}/rotate-key"));
    EXPECT_EQ(router_->handle(r).status, 200);
  }
  net::HttpRequest post;
  post.method = "POST";
  post.target = "/v1/openapi.json";
  EXPECT_EQ(router_->handle(post).status, 405);
}

TEST_F(RouterTest, PaginationNewestFirst) {
  for (int i = 0; i < 7; ++i) {
    create("s" + std::to_string(i));
  }
  std::vector<std::string> names;
  std::string target = "/v1/live-streams?limit=3";
  for (int pages = 0; pages < 10; ++pages) {
    auto page = json::parse(call("GET", target).body).as_object();
    for (auto& s : page["data"].as_array()) {
      names.emplace_back(s.at("name").as_string());
      EXPECT_FALSE(s.as_object().at("ingest").as_object().contains("streamKey"));
    }
    if (page["nextCursor"].is_null()) {
      break;
    }
    target = "/v1/live-streams?limit=3&cursor=" + std::string(page["nextCursor"].as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"s6", "s5", "s4", "s3", "s2", "s1", "s0"}));
  EXPECT_EQ(call("GET", "/v1/live-streams?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/v1/live-streams?limit=101").status, 400);
  EXPECT_EQ(call("GET", "/v1/live-streams?limit=abc").status, 400);
  EXPECT_EQ(call("GET", "/v1/live-streams?cursor=zzz").status, 400);
  EXPECT_EQ(call("GET", "/v1/live-streams?limit=%zz").status, 400);
}

TEST_F(RouterTest, RotateKeyGivesANewKeyAndRespectsState) {
  auto s = create();
  std::string id(s["streamId"].as_string());
  std::string old_key(s["ingest"].at("streamKey").as_string());
  auto res = call("POST", "/v1/live-streams/" + id + "/rotate-key", "", nullptr, "");
  ASSERT_EQ(res.status, 200);
  std::string new_key(json::parse(res.body).at("ingest").at("streamKey").as_string());
  EXPECT_NE(new_key, old_key);
  EXPECT_FALSE(store_->find_by_key_hash(ids::credential_hash(Secret(old_key)))->has_value());
  EXPECT_TRUE(store_->find_by_key_hash(ids::credential_hash(Secret(new_key)))->has_value());

  for (auto st : {media::StreamState::Live, media::StreamState::Connecting}) {
    set_state(id, st);
    auto conflict = call("POST", "/v1/live-streams/" + id + "/rotate-key", "", nullptr, "");
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(error_code(conflict), "conflict");
  }
  EXPECT_TRUE(sessions_.killed.empty());
  auto forced = call("POST", "/v1/live-streams/" + id + "/rotate-key?force=true", "", nullptr, "");
  EXPECT_EQ(forced.status, 200);
  EXPECT_EQ(sessions_.killed, std::vector<std::string>{id});
}

TEST_F(RouterTest, PatchAndDeleteRespectState) {
  std::string id(create()["streamId"].as_string());
  auto renamed = call("PATCH", "/v1/live-streams/" + id, R"({"name":"Renamed"})");
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(json::parse(renamed.body).at("name"), "Renamed");
  auto changed = call("PATCH", "/v1/live-streams/" + id,
                      R"({"quality":"passthrough","reconnectWindowSeconds":5})");
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(json::parse(changed.body).at("quality"), "passthrough");
  auto standard = call("PATCH", "/v1/live-streams/" + id, R"({"latencyMode":"standard"})");
  ASSERT_EQ(standard.status, 200);
  EXPECT_EQ(json::parse(standard.body).at("latencyMode"), "standard");
  EXPECT_EQ(json::parse(call("GET", "/v1/live-streams/" + id).body).at("latencyMode"), "standard");
  auto bad = call("PATCH", "/v1/live-streams/" + id, R"({"latencyMode":"fast"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "invalid_request");
  EXPECT_NE(
      std::string(json::parse(bad.body).at("error").at("message").as_string()).find("latencyMode"),
      std::string::npos);

  set_state(id, media::StreamState::Live);
  auto on_air = call("PATCH", "/v1/live-streams/" + id, R"({"latencyMode":"low"})");
  EXPECT_EQ(on_air.status, 409);
  EXPECT_EQ(error_code(on_air), "conflict");
  EXPECT_EQ(call("PATCH", "/v1/live-streams/" + id, R"({"quality":"high"})").status, 409);
  EXPECT_EQ(call("PATCH", "/v1/live-streams/" + id, R"({"reconnectWindowSeconds":9})").status, 409);
  EXPECT_EQ(call("PATCH", "/v1/live-streams/" + id, R"({"name":"While live"})").status, 200);
  EXPECT_EQ(call("DELETE", "/v1/live-streams/" + id).status, 409);
  set_state(id, media::StreamState::Ended);
  EXPECT_EQ(call("DELETE", "/v1/live-streams/" + id).status, 204);
  EXPECT_EQ(call("GET", "/v1/live-streams/" + id).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/live-streams/" + id).status, 404);
}

}  // namespace
}  // namespace antcdn::api
