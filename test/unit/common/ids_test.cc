#include "common/ids.h"

#include <set>

#include <gtest/gtest.h>

namespace antcdn::ids {
namespace {

TEST(Ids, StreamIdIsPrefixedLowercaseUlid) {
  std::string id = new_stream_id(1700000000000);
  EXPECT_EQ(id.size(), 3u + 26u);
  EXPECT_TRUE(id.starts_with("ls_"));
  EXPECT_TRUE(is_stream_id(id));
  EXPECT_FALSE(is_edge_id(id));
  for (char c : id.substr(3)) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) << c;
  }
}

TEST(Ids, UlidEncodesTimeInTheFirstTenCharacters) {
  // 0 ms and the largest 48-bit time bracket every other value.
  EXPECT_EQ(ulid(0).substr(0, 10), "0000000000");
  EXPECT_EQ(ulid(0xffffffffffffLL).substr(0, 10), "7zzzzzzzzz");
  // Ids sort by creation time.
  EXPECT_LT(ulid(1700000000000), ulid(1700000000001));
}

TEST(Ids, EdgeIdIsIndependentOfStreamId) {
  std::string s = new_stream_id(1700000000000);
  std::string e = new_edge_id(1700000000000);
  EXPECT_TRUE(is_edge_id(e));
  EXPECT_NE(s.substr(3 + 10), e.substr(4 + 10));  // random parts differ
}

TEST(Ids, RejectsMalformedIds) {
  EXPECT_FALSE(is_stream_id(""));
  EXPECT_FALSE(is_stream_id("ls_"));
  EXPECT_FALSE(is_stream_id("ls_01ARZ3NDEKTSV4RRFFQ69G5FAV"));  // uppercase
  EXPECT_FALSE(is_stream_id("ls_01arz3ndektsv4rrffq69g5fa"));   // 25 chars
  EXPECT_FALSE(is_stream_id("ls_81arz3ndektsv4rrffq69g5fav"));  // overflows 128 bits
  EXPECT_FALSE(is_stream_id("ls_01arz3ndektsv4rrffq69g5fai"));  // 'i' is not Crockford
  EXPECT_TRUE(is_stream_id("ls_01arz3ndektsv4rrffq69g5fav"));
}

TEST(Ids, StreamKeysCarryAtLeast160RandomBits) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    Secret k = new_stream_key();
    ASSERT_TRUE(k.reveal().starts_with("sk_live_"));
    // 40 base32 characters = 200 bits.
    EXPECT_EQ(k.reveal().size(), 8u + 40u);
    seen.insert(std::string(k.reveal()));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Ids, Base32MatchesCrockfordAlphabet) {
  EXPECT_EQ(base32(as_bytes("")), "");
  EXPECT_EQ(base32(as_bytes("f")), "cr");
  EXPECT_EQ(base32(as_bytes("foobar")), "csqpyrk1e8");
}

TEST(Ids, CredentialHashIsSha256) {
  auto h = credential_hash(Secret("abc"));
  EXPECT_EQ(crypto::hex(h), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace antcdn::ids
