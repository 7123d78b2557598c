#include "net/http_message.h"

#include <gtest/gtest.h>

namespace antcdn::net {
namespace {

TEST(ParseQuery, DecodesNamesAndValuesInOrder) {
  auto q = parse_query("limit=3&cursor=a%2Fb&name=two+words&flag&&empty=");
  ASSERT_TRUE(q.ok()) << q.error().describe();
  QueryParams want = {
      {"limit", "3"}, {"cursor", "a/b"}, {"name", "two words"}, {"flag", ""}, {"empty", ""}};
  EXPECT_EQ(*q, want);
  EXPECT_TRUE(parse_query("")->empty());
  EXPECT_TRUE(parse_query(std::string_view())->empty());  // HttpRequest::query() without '?'
  EXPECT_EQ((*parse_query("caf%C3%A9=%3D%26"))[0],
            (std::pair<std::string, std::string>{"caf\xC3\xA9", "=&"}));
}

TEST(ParseQuery, RejectsWhatAQueryCannotHold) {
  for (const char* bad : {"limit=%zz", "limit=%4", "cursor=a b"}) {
    auto q = parse_query(bad);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.error().code, Code::InvalidArgument);
  }
}

TEST(HttpRequest, SplitsPathAndQuery) {
  HttpRequest r{.target = "/v1/live-streams?limit=3"};
  EXPECT_EQ(r.path(), "/v1/live-streams");
  EXPECT_EQ(r.query(), "limit=3");
  r.target = "/v1/live-streams";
  EXPECT_EQ(r.query(), "");
}

}  // namespace
}  // namespace antcdn::net
