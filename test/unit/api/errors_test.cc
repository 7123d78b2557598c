#include "api/errors.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/http_helpers.h"

namespace antcdn::api {
namespace {

using test::header_of;

TEST(ErrorsTest, MapsCodesToStatusAndTheJsonEnvelope) {
  auto res = error_response(make_error(Code::Conflict, "not while live"));
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(header_of(res, "Content-Type"), "application/json");
  EXPECT_EQ(header_of(res, "Cache-Control"), "no-store");
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("error").at("code").as_string(), "conflict");
  EXPECT_EQ(body.at("error").at("message").as_string(), "not while live");
}

TEST(ErrorsTest, UnauthorizedSaysHowToAuthenticate) {
  auto res = error_response(make_error(Code::Unauthenticated, "missing X-Api-Key header"));
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(header_of(res, "WWW-Authenticate"), "ApiKey header=\"X-Api-Key\"");
}

// A store that is down answers like a handler timeout: 503 with Retry-After,
// and no internal detail in the message.
TEST(ErrorsTest, UnavailableSaysWhenToRetryAndHidesTheCause) {
  auto res = error_response(make_error(Code::Unavailable, "connection to 10.0.0.5:5432 refused"));
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(header_of(res, "Retry-After"), "1");
  EXPECT_EQ(res.body.find("10.0.0.5"), std::string::npos);
  EXPECT_EQ(header_of(error_response(400, "invalid_request", "x"), "Retry-After"), "");
}

}  // namespace
}  // namespace antcdn::api
