#include "format/rtmp/handshake.h"

#include <algorithm>
#include <array>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "support/bytes_helpers.h"
#include "unit/format/rtmp/test_client.h"

namespace antcdn::format::rtmp {
namespace {

constexpr size_t kPacket = 1536;

// The well-known Flash handshake keys, spelled out here independently of the
// implementation: the text part, then 32 fixed bytes.
Bytes key(std::string_view text) {
  Bytes k = to_bytes(text);
  Bytes suffix = antcdn::test::hex(
      "f0 ee c2 4a 80 68 be e8 2e 00 d0 d1 02 9e 7e 57"
      "6e ec 5d 2d 29 80 6f ab 93 b8 e6 36 cf eb 31 ae");
  k.insert(k.end(), suffix.begin(), suffix.end());
  return k;
}
const Bytes& client_key() {
  static const Bytes k = key("Genuine Adobe Flash Player 001");
  return k;
}
const Bytes& server_key() {
  static const Bytes k = key("Genuine Adobe Flash Media Server 001");
  return k;
}

Bytes hmac(ByteSpan k, ByteSpan data) {
  Bytes out(32);
  unsigned int n = 0;
  HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &n);
  return out;
}

// Digest position for schema 0 (digest block at 772) or 1 (digest block at 8).
size_t digest_pos(ByteSpan packet, int schema) {
  size_t base = schema == 1 ? 8 : 772;
  size_t sum = 0;
  for (size_t i = 0; i < 4; ++i) {
    sum += static_cast<uint8_t>(packet[base + i]);
  }
  return base + 4 + sum % 728;
}

Bytes without_digest(ByteSpan packet, size_t pos) {
  Bytes out(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(pos));
  out.insert(out.end(), packet.begin() + static_cast<std::ptrdiff_t>(pos + 32), packet.end());
  return out;
}

// A Flash-style C0C1: version 9.0.124.2 and a client digest under `schema`.
Bytes digest_c0c1(int schema) {
  Bytes c0c1 = test::plain_c0c1();
  std::span<std::byte> c1 = std::span<std::byte>(c0c1).subspan(1);
  c1[4] = std::byte{9};
  c1[6] = std::byte{124};
  c1[7] = std::byte{2};
  size_t pos = digest_pos(c1, schema);
  Bytes d = hmac(ByteSpan(client_key()).first(30), without_digest(c1, pos));
  std::copy(d.begin(), d.end(), c1.begin() + static_cast<std::ptrdiff_t>(pos));
  return c0c1;
}

HandshakeOptions fixed_random() {
  return {.fill_random = [](std::span<std::byte> out) {
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<std::byte>(i * 13 + 5);
    }
  }};
}

TEST(ServerHandshake, PlainEchoesC1) {
  ServerHandshake hs;
  Bytes c0c1 = test::plain_c0c1();
  Result<Consumed> r = hs.feed(c0c1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bytes, c0c1.size());
  EXPECT_FALSE(r->ready);
  Bytes out = hs.take_output();
  ASSERT_EQ(out.size(), 1 + 2 * kPacket);
  EXPECT_EQ(out[0], std::byte{3});
  // S1: time and the zero field of the plain handshake.
  EXPECT_EQ(Bytes(out.begin() + 1, out.begin() + 9), Bytes(8, std::byte{0}));
  EXPECT_TRUE(std::equal(out.begin() + 1 + kPacket, out.end(), c0c1.begin() + 1));
  EXPECT_FALSE(hs.digest_used());
  EXPECT_TRUE(hs.take_output().empty());

  Bytes c2 = test::plain_c2();
  r = hs.feed(c2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bytes, kPacket);
  EXPECT_TRUE(r->ready);
  EXPECT_TRUE(hs.done());
}

TEST(ServerHandshake, StopsAtTheEndOfC2) {
  ServerHandshake hs;
  Bytes all = antcdn::test::concat({test::plain_c0c1(), test::plain_c2(), to_bytes("chunks")});
  Result<Consumed> r = hs.feed(all);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ready);
  EXPECT_EQ(r->bytes, 1 + 2 * kPacket);
}

TEST(ServerHandshake, ByteAtATime) {
  ServerHandshake hs;
  Bytes all = antcdn::test::concat({test::plain_c0c1(), test::plain_c2()});
  for (size_t i = 0; i < all.size(); ++i) {
    Result<Consumed> r = hs.feed(ByteSpan(all).subspan(i, 1));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->bytes, 1u);
    EXPECT_EQ(r->ready, i + 1 == all.size());
    if (i + 1 == 1537) {
      EXPECT_EQ(hs.take_output().size(), 1 + 2 * kPacket);
    }
  }
  EXPECT_TRUE(hs.done());
}

TEST(ServerHandshake, RejectsOtherVersions) {
  struct Case {
    uint8_t version;
    const char* hint;
  };
  for (Case c : {Case{6, "RTMPE"}, Case{0x16, "TLS"}, Case{'G', "HTTP"}, Case{0, "expected 3"}}) {
    ServerHandshake hs;
    Bytes c0{std::byte{c.version}};
    Result<Consumed> r = hs.feed(c0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::Unsupported);
    EXPECT_NE(r.error().message.find(c.hint), std::string::npos) << r.error().message;
    // Dead afterwards.
    EXPECT_FALSE(hs.feed(test::plain_c0c1()).ok());
  }
}

TEST(ServerHandshake, EmptyFeedIsHarmless) {
  ServerHandshake hs;
  Result<Consumed> r = hs.feed({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bytes, 0u);
  EXPECT_FALSE(r->ready);
}

class DigestHandshake : public testing::TestWithParam<int> {};

TEST_P(DigestHandshake, AnswersWithServerDigestAndSignedS2) {
  int schema = GetParam();
  ServerHandshake hs(fixed_random());
  Bytes c0c1 = digest_c0c1(schema);
  ByteSpan c1 = ByteSpan(c0c1).subspan(1);
  ASSERT_TRUE(hs.feed(c0c1).ok());
  EXPECT_TRUE(hs.digest_used());
  Bytes out = hs.take_output();
  ASSERT_EQ(out.size(), 1 + 2 * kPacket);
  ByteSpan s1 = ByteSpan(out).subspan(1, kPacket);
  ByteSpan s2 = ByteSpan(out).subspan(1 + kPacket);

  // S1 carries a non-zero version and a digest keyed with the 36-byte server key.
  EXPECT_NE(Bytes(s1.begin() + 4, s1.begin() + 8), Bytes(4, std::byte{0}));
  size_t s1_pos = digest_pos(s1, schema);
  EXPECT_EQ(Bytes(s1.begin() + s1_pos, s1.begin() + s1_pos + 32),
            hmac(ByteSpan(server_key()).first(36), without_digest(s1, s1_pos)));

  // S2 is signed with HMAC(full server key, client digest).
  size_t c1_pos = digest_pos(c1, schema);
  Bytes temp_key = hmac(server_key(), c1.subspan(c1_pos, 32));
  EXPECT_EQ(Bytes(s2.end() - 32, s2.end()), hmac(temp_key, s2.first(kPacket - 32)));
  // And is not merely an echo.
  EXPECT_FALSE(std::equal(s2.begin(), s2.end(), c1.begin()));

  Result<Consumed> r = hs.feed(test::plain_c2());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ready);
}

INSTANTIATE_TEST_SUITE_P(BothSchemas, DigestHandshake, testing::Values(0, 1));

TEST(ServerHandshake, CorruptDigestFallsBackToPlain) {
  ServerHandshake hs;
  Bytes c0c1 = digest_c0c1(1);
  ByteSpan c1 = ByteSpan(c0c1).subspan(1);
  size_t pos = digest_pos(c1, 1);
  c0c1[1 + pos] ^= std::byte{0xff};
  ASSERT_TRUE(hs.feed(c0c1).ok());
  EXPECT_FALSE(hs.digest_used());
  Bytes out = hs.take_output();
  EXPECT_TRUE(std::equal(out.begin() + 1 + kPacket, out.end(), c0c1.begin() + 1));
}

TEST(ServerHandshake, InjectedRandomIsUsed) {
  ServerHandshake hs(fixed_random());
  ASSERT_TRUE(hs.feed(test::plain_c0c1()).ok());
  Bytes out = hs.take_output();
  EXPECT_EQ(out[1 + 8], std::byte{5});
  EXPECT_EQ(out[1 + 9], std::byte{18});
}

}  // namespace
}  // namespace antcdn::format::rtmp
