#include "webhooks/signature.h"

#include <gtest/gtest.h>

namespace antcdn::webhooks {
namespace {

TEST(Signature, MatchesAnIndependentHmac) {
  // echo -n '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_abc
  EXPECT_EQ(sign("whsec_abc", 1700000000, R"({"id":"evt_1"})"),
            "t=1700000000,v1=79f159714a0d01d9505691104b38e71f0dbb0d4bdeef387b113d07b870f50db3");
}

TEST(Signature, VerifiesWhatItSigns) {
  std::string header = sign("whsec_abc", 1700000000, "body");
  EXPECT_TRUE(verify(header, "whsec_abc", "body", 1700000100, 300));
  EXPECT_FALSE(verify(header, "whsec_abd", "body", 1700000100, 300));
  EXPECT_FALSE(verify(header, "whsec_abc", "body!", 1700000100, 300));
  EXPECT_FALSE(verify(header, "whsec_abc", "body", 1700000400, 300));  // too old: a replay
  EXPECT_FALSE(verify("v1=00", "whsec_abc", "body", 1700000100, 300));
  EXPECT_FALSE(verify("t=x,v1=00", "whsec_abc", "body", 1700000100, 300));
  EXPECT_FALSE(verify("", "whsec_abc", "body", 1700000100, 300));
}

}  // namespace
}  // namespace antcdn::webhooks
