#include "webhooks/curl_sender.h"

#include <gtest/gtest.h>

namespace antcdn::webhooks {
namespace {

// The policy's second check, after DNS: "localhost" resolves to loopback, and
// the sender refuses to connect there, whatever the URL looked like.
TEST(CurlSender, RefusesPrivateAddressesAfterResolution) {
  CurlSender sender({.timeout = std::chrono::milliseconds(2000)});
  PostOutcome out = sender.post({.url = "http://localhost:9/hook", .body = "{}"});
  EXPECT_FALSE(out.status_code.has_value());
  EXPECT_NE(out.error.find("refused: the URL resolves to a loopback"), std::string::npos)
      << out.error;
}

TEST(CurlSender, AllowedPrivateTargetsAreTried) {
  CurlSender sender({.timeout = std::chrono::milliseconds(2000), .allow_private = true});
  // Port 9 (discard) on loopback: nothing listens there in a test environment.
  PostOutcome out = sender.post({.url = "http://127.0.0.1:9/hook", .body = "{}"});
  EXPECT_FALSE(out.status_code.has_value());
  EXPECT_FALSE(out.error.empty());
  EXPECT_EQ(out.error.find("refused: the URL"), std::string::npos) << out.error;
}

TEST(CurlSender, OnlyHttpAndHttps) {
  CurlSender sender({.allow_private = true});
  PostOutcome out = sender.post({.url = "file:///etc/hostname", .body = "{}"});
  EXPECT_FALSE(out.status_code.has_value());
  EXPECT_FALSE(out.error.empty());
}

}  // namespace
}  // namespace antcdn::webhooks
