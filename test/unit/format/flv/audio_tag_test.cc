#include "format/flv/audio_tag.h"

#include <vector>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::flv {
namespace {

using antcdn::test::bytes;

TEST(FlvAudioTag, AacSequenceHeaderAndRaw) {
  Bytes header = bytes({0xaf, 0x00, 0x12, 0x10});
  auto tag = parse_audio_tag(header);
  ASSERT_TRUE(tag.ok()) << tag.error().describe();
  EXPECT_EQ(tag->packet_type, AacPacketType::SequenceHeader);
  EXPECT_EQ(tag->rate_index, 3);
  EXPECT_TRUE(tag->sample_16bit);
  EXPECT_TRUE(tag->stereo);
  ASSERT_EQ(tag->payload.size(), 2u);
  EXPECT_EQ(tag->payload.data(), header.data() + 2);

  auto raw = parse_audio_tag(bytes({0xae, 0x01, 0x21, 0x00, 0x03}));
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->packet_type, AacPacketType::Raw);
  EXPECT_FALSE(raw->stereo);
  EXPECT_EQ(raw->payload.size(), 3u);
}

TEST(FlvAudioTag, Mp3FramesAreTheWholeRest) {
  Bytes body = bytes({0x2f, 0xff, 0xfb, 0x90, 0x64});
  auto tag = parse_audio_tag(body);
  ASSERT_TRUE(tag.ok()) << tag.error().describe();
  EXPECT_EQ(tag->codec, AudioCodec::Mp3);
  EXPECT_EQ(tag->packet_type, AacPacketType::Raw);
  EXPECT_EQ(tag->rate_index, 3);
  EXPECT_TRUE(tag->stereo);
  EXPECT_EQ(tag->payload.data(), body.data() + 1);
  EXPECT_EQ(tag->payload.size(), 4u);

  auto at8k = parse_audio_tag(bytes({0xe2, 0xff, 0xf3}));
  ASSERT_TRUE(at8k.ok());
  EXPECT_EQ(at8k->codec, AudioCodec::Mp3);
  EXPECT_FALSE(at8k->stereo);
  auto empty = parse_audio_tag(bytes({0x2f}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->payload.empty());
}

TEST(FlvAudioTag, OtherFormatsAreUnsupportedByName) {
  struct Case {
    int first;
    const char* name;
  };
  for (Case c : std::vector<Case>{
           {0xbe, "Speex"}, {0x7e, "G.711 A-law"}, {0x6e, "Nellymoser"}, {0x3e, "Linear PCM"}}) {
    auto tag = parse_audio_tag(bytes({c.first, 0x01, 0x00}));
    ASSERT_FALSE(tag.ok());
    EXPECT_EQ(tag.error().code, Code::Unsupported);
    EXPECT_NE(tag.error().message.find(c.name), std::string::npos) << tag.error().message;
  }
}

TEST(FlvAudioTag, EnhancedRtmpAudioIsUnsupportedByFourCc) {
  auto opus = parse_audio_tag(bytes({0x90, 'O', 'p', 'u', 's'}));
  ASSERT_FALSE(opus.ok());
  EXPECT_EQ(opus.error().code, Code::Unsupported);
  EXPECT_NE(opus.error().message.find("'Opus'"), std::string::npos);
  auto truncated = parse_audio_tag(bytes({0x90, 'O'}));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, Code::Unsupported);
}

TEST(FlvAudioTag, TruncatedOrMalformedIsInvalid) {
  for (const Bytes& body : std::vector<Bytes>{{}, bytes({0xaf}), bytes({0xaf, 0x02, 0x00})}) {
    auto tag = parse_audio_tag(body);
    ASSERT_FALSE(tag.ok());
    EXPECT_EQ(tag.error().code, Code::InvalidArgument);
  }
}

}  // namespace
}  // namespace antcdn::format::flv
