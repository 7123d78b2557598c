// The /v1/webhooks routes and the SSE route through the Router, on SQLite:
// methods, ids, per-key isolation, and the absence of the optional parts.

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/router.h"
#include "app/keys_cli.h"
#include "store/event_feed.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace antcdn::api {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class WebhookRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::sqlite::SqliteStore::open(dir_.file("db")));
    key_a_ = std::string(app::create_api_key(*store_, "a")->reveal());
    key_b_ = std::string(app::create_api_key(*store_, "b")->reveal());
    streams_ =
        std::make_unique<LiveStreams>(*store_, PublicUrls{"rtmp://i/live", "https://e"}, nullptr);
    hooks_ = std::make_unique<Webhooks>(store_->webhooks(), WebhookOptions{});
    feed_ = std::make_unique<store::EventFeed>(store_->webhooks(), 50ms, 1h);
    events_ = std::make_unique<EventStreams>(*store_, store_->webhooks(), *feed_);
    router_ = std::make_unique<Router>(*store_, *streams_, hooks_.get(), events_.get());
  }

  net::HttpResponse call(std::string method, std::string target, std::string body = "",
                         const std::string* key = nullptr, Router* router = nullptr) {
    net::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers.emplace_back("x-api-key", key ? *key : key_a_);
    r.headers.emplace_back("content-type", "application/json");
    return (router ? router : router_.get())->handle(r);
  }

  antcdn::test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::string key_a_;
  std::string key_b_;
  std::unique_ptr<LiveStreams> streams_;
  std::unique_ptr<Webhooks> hooks_;
  std::unique_ptr<store::EventFeed> feed_;
  std::unique_ptr<EventStreams> events_;
  std::unique_ptr<Router> router_;
};

TEST_F(WebhookRoutesTest, CreateShowsTheSecretOnceAndOtherKeysSeeNothing) {
  auto res = call("POST", "/v1/webhooks", R"({"url":"https://hooks.example.com/a"})");
  ASSERT_EQ(res.status, 201) << res.body;
  auto hook = json::parse(res.body).as_object();
  std::string id(hook.at("webhookId").as_string());
  EXPECT_TRUE(hook.contains("secret"));
  EXPECT_EQ(json::serialize(hook.at("events")), R"(["*"])");
  auto got = call("GET", "/v1/webhooks/" + id);
  EXPECT_EQ(got.status, 200);
  EXPECT_FALSE(json::parse(got.body).as_object().contains("secret"));
  EXPECT_EQ(call("GET", "/v1/webhooks/" + id, "", &key_b_).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/webhooks/" + id, "", &key_b_).status, 404);
  EXPECT_EQ(call("GET", "/v1/webhooks/wh_nope").status, 404);
  EXPECT_EQ(call("POST", "/v1/webhooks/" + id + "/test").status, 202);
  EXPECT_EQ(call("GET", "/v1/webhooks/" + id + "/deliveries?limit=x").status, 400);
  EXPECT_EQ(call("DELETE", "/v1/webhooks/" + id).status, 204);
  EXPECT_EQ(call("GET", "/v1/webhooks/" + id).status, 404);
}

TEST_F(WebhookRoutesTest, MethodsAndUnknownPaths) {
  EXPECT_EQ(call("PUT", "/v1/webhooks").status, 405);
  EXPECT_EQ(call("PATCH", "/v1/webhooks/wh_x").status, 405);
  EXPECT_EQ(call("GET", "/v1/webhooks/wh_x/test").status, 405);
  EXPECT_EQ(call("POST", "/v1/webhooks/wh_x/deliveries").status, 405);
  EXPECT_EQ(call("POST", "/v1/live-streams/ls_x/events").status, 405);
  EXPECT_EQ(call("GET", "/v1/webhooks/wh_x/nope").status, 404);
}

TEST_F(WebhookRoutesTest, PrivateTargetsNeedTheFlag) {
  auto res = call("POST", "/v1/webhooks", R"({"url":"http://10.0.0.2/hook"})");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("private"), std::string::npos);
  Webhooks lab(store_->webhooks(), WebhookOptions{.allow_private = true});
  Router router(*store_, *streams_, &lab);
  EXPECT_EQ(
      call("POST", "/v1/webhooks", R"({"url":"http://10.0.0.2/hook"})", nullptr, &router).status,
      201);
}

TEST_F(WebhookRoutesTest, EventsOfAnOwnedStreamAreAStream) {
  auto created = call("POST", "/v1/live-streams", R"({"name":"s"})");
  ASSERT_EQ(created.status, 201);
  std::string id(json::parse(created.body).at("streamId").as_string());
  auto res = call("GET", "/v1/live-streams/" + id + "/events");
  EXPECT_EQ(res.status, 200);
  ASSERT_TRUE(res.stream);
  EXPECT_EQ(res.stream->take().bytes, "retry: 2000\n\n");
  EXPECT_EQ(call("GET", "/v1/live-streams/" + id + "/events", "", &key_b_).status, 404);
  EXPECT_EQ(call("GET", "/v1/live-streams/ls_nope/events").status, 404);
}

TEST_F(WebhookRoutesTest, WithoutWebhooksOrEventsThoseRoutesAre404) {
  Router bare(*store_, *streams_);
  EXPECT_EQ(call("GET", "/v1/webhooks", "", nullptr, &bare).status, 404);
  auto created = call("POST", "/v1/live-streams", R"({"name":"s"})", nullptr, &bare);
  std::string id(json::parse(created.body).at("streamId").as_string());
  EXPECT_EQ(call("GET", "/v1/live-streams/" + id + "/events", "", nullptr, &bare).status, 404);
}

}  // namespace
}  // namespace antcdn::api
