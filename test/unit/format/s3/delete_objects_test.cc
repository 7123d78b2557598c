#include "format/s3/delete_objects.h"

#include <gtest/gtest.h>

namespace antcdn::format::s3 {
namespace {

TEST(S3DeleteObjects, BodyNamesEachKeyEscapedInQuietMode) {
  EXPECT_EQ(delete_objects_body({"media/a.m4s", "media/x&<y>"}),
            R"(<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet>)"
            "<Object><Key>media/a.m4s</Key></Object>"
            "<Object><Key>media/x&amp;&lt;y&gt;</Key></Object></Delete>");
}

TEST(S3DeleteObjects, ResultListsOnlyTheFailures) {
  auto none = parse_delete_result(
      R"(<?xml version="1.0"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)");
  ASSERT_TRUE(none.ok()) << none.error().describe();
  EXPECT_TRUE(none->empty());
  auto some = parse_delete_result(
      "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>AccessDenied</Code>"
      "<Message>no</Message></Error></DeleteResult>");
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 1u);
  EXPECT_EQ(some->at(0).key, "b");
  EXPECT_EQ(some->at(0).code, "AccessDenied");
  EXPECT_EQ(some->at(0).message, "no");
}

TEST(S3DeleteObjects, AnotherDocumentIsAnError) {
  EXPECT_FALSE(parse_delete_result("<Error><Code>x</Code></Error>").ok());
  EXPECT_FALSE(parse_delete_result("<html>").ok());
}

}  // namespace
}  // namespace antcdn::format::s3
