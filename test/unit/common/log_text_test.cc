#include "common/log_text.h"

#include <gtest/gtest.h>

#include "common/ids.h"

namespace antcdn {
namespace {

TEST(LoggableTest, PlainTextPassesUnchanged) {
  EXPECT_EQ(loggable("live"), "live");
  EXPECT_EQ(loggable("FMLE/3.0 (compatible; FMSc/1.0)"), "FMLE/3.0 (compatible; FMSc/1.0)");
}

TEST(LoggableTest, ControlAndNonAsciiBytesCannotForgeLines) {
  EXPECT_EQ(loggable("live\r\n2026-01-01 [error] forged"), "live??2026-01-01 [error] forged");
  EXPECT_EQ(loggable("caf\xc3\xa9\x1b[31m"), "caf???[31m");
}

TEST(LoggableTest, LongTextIsCutWithAMark) {
  std::string spam;
  for (int i = 0; i < 64 * 1024; ++i) {
    spam += (i % 8 == 0) ? ' ' : 'x';  // short words: nothing looks like a key
  }
  std::string out = loggable(spam);
  EXPECT_EQ(out.size(), kMaxLoggedPeerChars + 3);
  EXPECT_TRUE(out.ends_with("..."));
  EXPECT_EQ(loggable(std::string(kMaxLoggedPeerChars, ' ')), std::string(kMaxLoggedPeerChars, ' '));
}

TEST(LoggableTest, KeysPastedIntoTheServerUrlAreRedacted) {
  std::string key(ids::new_stream_key().reveal());
  EXPECT_EQ(loggable("live/" + key), "live/[redacted]");
  EXPECT_EQ(loggable("app?key=" + key + "&x=1"), "app?key=[redacted]&x=1");
  EXPECT_EQ(loggable("sk_live_short"), "[redacted]");
  EXPECT_EQ(loggable("ak_x"), "[redacted]");
  // Other services' keys: long random-looking runs.
  EXPECT_EQ(loggable("app/live_123456789_AbCdEfGhIjKlMnOpQrSt"), "app/[redacted]");
  // A key at the end of a long text is redacted, never cut into a visible prefix.
  std::string out = loggable(std::string(120, ' ') + key);
  EXPECT_EQ(out.find("sk_live"), std::string::npos);
}

TEST(LogThrottleTest, BurstPerKeyThenCountsWhatWasDropped) {
  LogThrottle t(2, 60000);
  EXPECT_EQ(t.admit("a", 0), 0u);
  EXPECT_EQ(t.admit("a", 1), 0u);
  EXPECT_FALSE(t.admit("a", 2).has_value());
  EXPECT_FALSE(t.admit("a", 3).has_value());
  EXPECT_EQ(t.admit("b", 3), 0u) << "other addresses are not affected";
  EXPECT_EQ(t.admit("a", 60000), 2u) << "the next window's first line says what was dropped";
  EXPECT_EQ(t.admit("a", 60001), 0u);
}

TEST(LogThrottleTest, TrackedKeysAreBounded) {
  LogThrottle t(1, 1000, 2);
  EXPECT_TRUE(t.admit("a", 0).has_value());
  EXPECT_TRUE(t.admit("b", 0).has_value());
  EXPECT_TRUE(t.admit("c", 0).has_value()) << "untracked beyond the bound, never silenced";
  EXPECT_FALSE(t.admit("a", 1).has_value());
  EXPECT_TRUE(t.admit("c", 2000).has_value()) << "expired keys make room";
}

}  // namespace
}  // namespace antcdn
