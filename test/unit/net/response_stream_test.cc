#include "net/response_stream.h"

#include <gtest/gtest.h>

namespace antcdn::net {
namespace {

TEST(ResponseStream, QueuesUntilTakenAndWakesTheServer) {
  ResponseStream s;
  EXPECT_TRUE(s.write("a"));
  int wakes = 0;
  s.on_ready([&] { ++wakes; });
  EXPECT_EQ(wakes, 1);  // something was already queued
  EXPECT_TRUE(s.write("b"));
  EXPECT_EQ(wakes, 2);
  auto t = s.take();
  EXPECT_EQ(t.bytes, "ab");
  EXPECT_FALSE(t.closed);
  EXPECT_EQ(s.take().bytes, "");
}

TEST(ResponseStream, CloseEndsAfterWhatIsQueued) {
  ResponseStream s;
  EXPECT_TRUE(s.write("last"));
  s.close();
  EXPECT_TRUE(s.finished());
  EXPECT_FALSE(s.write("late"));
  auto t = s.take();
  EXPECT_EQ(t.bytes, "last");
  EXPECT_TRUE(t.closed);
}

TEST(ResponseStream, AClientThatLeftOrFellBehindFailsWrites) {
  ResponseStream gone;
  gone.abandon();
  EXPECT_FALSE(gone.write("x"));
  ResponseStream slow;
  std::string chunk(ResponseStream::kMaxQueuedBytes / 2 + 1, 'x');
  EXPECT_TRUE(slow.write(chunk));
  EXPECT_FALSE(slow.write(chunk));  // over the limit: dropped, not grown
  EXPECT_TRUE(slow.finished());
}

}  // namespace
}  // namespace antcdn::net
