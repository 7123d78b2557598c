#include "net/url_policy.h"

#include <array>

#include <gtest/gtest.h>

namespace antcdn::net {
namespace {

bool allowed(std::string_view url) {
  return check_outbound_url(url, false).ok();
}

TEST(UrlPolicy, AcceptsPublicHttpAndHttps) {
  EXPECT_TRUE(allowed("https://hooks.example.com/antcdn?x=1"));
  EXPECT_TRUE(allowed("http://203.0.113.7:8080/hook"));
  EXPECT_TRUE(allowed("https://[2606:4700::1111]/hook"));
}

TEST(UrlPolicy, RefusesOtherSchemesAndMalformedUrls) {
  EXPECT_FALSE(allowed("ftp://example.com/x"));
  EXPECT_FALSE(allowed("file:///etc/passwd"));
  EXPECT_FALSE(allowed("gopher://example.com"));
  EXPECT_FALSE(allowed("example.com/hook"));
  EXPECT_FALSE(allowed("https:///nohost"));
  EXPECT_FALSE(allowed("https://user:pw@example.com/"));
  EXPECT_FALSE(allowed("https://example.com/#frag"));
  EXPECT_FALSE(allowed("https://exa mple.com/"));
  EXPECT_FALSE(allowed(std::string(3000, 'a')));
}

TEST(UrlPolicy, RefusesPrivateTargetsUnlessAllowed) {
  for (std::string_view url :
       {"http://127.0.0.1:9000/", "http://localhost/", "http://api.localhost/", "http://10.1.2.3/",
        "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/", "http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/",
        "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/"}) {
    auto s = check_outbound_url(url, false);
    EXPECT_FALSE(s.ok()) << url;
    EXPECT_TRUE(check_outbound_url(url, true).ok()) << url;
  }
  auto s = check_outbound_url("http://127.0.0.1/", false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::InvalidArgument);
  EXPECT_NE(s.error().message.find("private"), std::string::npos);
}

TEST(UrlPolicy, ClassifiesResolvedAddresses) {
  EXPECT_TRUE(is_private_address(std::array<uint8_t, 4>{127, 0, 0, 1}));
  EXPECT_TRUE(is_private_address(std::array<uint8_t, 4>{172, 31, 255, 255}));
  EXPECT_FALSE(is_private_address(std::array<uint8_t, 4>{172, 32, 0, 1}));
  EXPECT_FALSE(is_private_address(std::array<uint8_t, 4>{8, 8, 8, 8}));
  EXPECT_FALSE(is_private_address(std::array<uint8_t, 4>{100, 128, 0, 1}));
  std::array<uint8_t, 16> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
  EXPECT_TRUE(is_private_address(mapped));
  mapped[12] = 8;
  EXPECT_FALSE(is_private_address(mapped));
  EXPECT_TRUE(is_private_address(std::array<uint8_t, 3>{1, 2, 3}));
  EXPECT_EQ(is_private_ip_literal("example.com"), std::nullopt);
  EXPECT_EQ(is_private_ip_literal("[::1]"), true);
}

}  // namespace
}  // namespace antcdn::net
