#include "app/config.h"

#include <gtest/gtest.h>

namespace antcdn::app {
namespace {

TEST(Config, DefaultsAreValid) {
  Config c;
  EXPECT_TRUE(c.validate().empty());
  EXPECT_EQ(c.database_url(), "sqlite://./antcdn-data/antcdn.db");
  EXPECT_EQ(c.sqlite_path(), "./antcdn-data/antcdn.db");
  EXPECT_EQ(c.storage_url(), "file://./antcdn-data/media");
}

TEST(Config, ReportsEveryErrorWithItsFlag) {
  Config c;
  c.api_listen = "nope";
  c.edge_listen = "127.0.0.1:70000";
  c.roles = "api,transcoder";
  c.database = "mysql://x";
  auto errors = c.validate();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_TRUE(errors[0].starts_with("--api-listen:"));
  EXPECT_TRUE(errors[1].starts_with("--edge-listen:"));
  EXPECT_TRUE(errors[2].starts_with("--database:"));
  EXPECT_TRUE(errors[3].starts_with("--roles:"));
}

TEST(Config, ParsesListenAddresses) {
  ListenAddress a;
  ASSERT_TRUE(parse_listen("0.0.0.0:1935", a));
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 1935);
  ASSERT_TRUE(parse_listen("[::1]:0", a));
  EXPECT_EQ(a.host, "::1");
  EXPECT_FALSE(parse_listen(":80", a));
  EXPECT_FALSE(parse_listen("host:", a));
  EXPECT_FALSE(parse_listen("host:-1", a));
}

}  // namespace
}  // namespace antcdn::app
