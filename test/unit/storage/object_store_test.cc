#include "storage/object_store.h"

#include <gtest/gtest.h>

namespace antcdn::storage {
namespace {

TEST(IsValidKeyTest, AcceptsTheStorageLayout) {
  EXPECT_TRUE(is_valid_key("lse_01hzzzzzzzzzzzzzzzzzzzzzzz/master.m3u8"));
  EXPECT_TRUE(is_valid_key("lse_x/720p/index.m3u8"));
  EXPECT_TRUE(is_valid_key("lse_x/720p/init-01abc.mp4"));
  EXPECT_TRUE(is_valid_key("lse_x/audio_aac/01abc-000042.m4s"));
  EXPECT_TRUE(is_valid_key("a"));
  EXPECT_TRUE(is_valid_key(".hidden"));
  EXPECT_TRUE(is_valid_key("a/...b"));
}

TEST(IsValidKeyTest, RejectsAnythingThatCouldLeaveTheRoot) {
  for (const char* key : {"", "/abs", "a//b", "a/", "../x", "x/..", "a/./b", ".", "..", "a/../b",
                          "a\\b", "a b", "a%2e", "a\nb", "caf\xc3\xa9", "a:b", "~tmp", "a/*"}) {
    EXPECT_FALSE(is_valid_key(key)) << key;
  }
  EXPECT_FALSE(is_valid_key(std::string("a\0b", 3)));
  EXPECT_FALSE(is_valid_key(std::string(1025, 'a')));
  EXPECT_TRUE(is_valid_key(std::string(1024, 'a')));
}

TEST(IsValidPrefixTest, AllowsOneTrailingSlash) {
  EXPECT_TRUE(is_valid_prefix("lse_x/"));
  EXPECT_TRUE(is_valid_prefix("lse_x/720p"));
  EXPECT_FALSE(is_valid_prefix(""));
  EXPECT_FALSE(is_valid_prefix("/"));
  EXPECT_FALSE(is_valid_prefix("lse_x//"));
  EXPECT_FALSE(is_valid_prefix("../"));
}

}  // namespace
}  // namespace antcdn::storage
