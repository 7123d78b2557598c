#include "net/sse.h"

#include <gtest/gtest.h>

namespace antcdn::net {
namespace {

TEST(Sse, FramesAnEvent) {
  EXPECT_EQ(sse_event("evt_1", "live_stream.live", R"({"a":1})"),
            "id: evt_1\nevent: live_stream.live\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(sse_event("", "status", "x"), "event: status\ndata: x\n\n");
}

TEST(Sse, SplitsDataIntoLines) {
  EXPECT_EQ(sse_event("", "", "a\nb"), "data: a\ndata: b\n\n");
}

TEST(Sse, CommentsAndRetry) {
  EXPECT_EQ(sse_comment("keep-alive"), ": keep-alive\n\n");
  EXPECT_EQ(sse_retry(2000), "retry: 2000\n\n");
}

}  // namespace
}  // namespace antcdn::net
