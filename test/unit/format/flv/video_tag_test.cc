#include "format/flv/video_tag.h"

#include <vector>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::flv {
namespace {

using antcdn::test::bytes;

TEST(FlvVideoTag, AvcSequenceHeader) {
  Bytes body = bytes({0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x1f});
  auto tag = parse_video_tag(body);
  ASSERT_TRUE(tag.ok()) << tag.error().describe();
  EXPECT_EQ(tag->frame_type, VideoFrameType::Key);
  EXPECT_TRUE(tag->is_keyframe());
  EXPECT_EQ(tag->packet_type, AvcPacketType::SequenceHeader);
  EXPECT_EQ(tag->composition_time_ms, 0);
  EXPECT_FALSE(tag->enhanced);
  ASSERT_EQ(tag->payload.size(), 4u);
  EXPECT_EQ(tag->payload.data(), body.data() + 5);  // a view, not a copy
}

TEST(FlvVideoTag, InterFrameWithPositiveAndNegativeCompositionTime) {
  Bytes pos = bytes({0x27, 0x01, 0x00, 0x00, 0x42, 0xaa});
  auto tag = parse_video_tag(pos);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->frame_type, VideoFrameType::Inter);
  EXPECT_EQ(tag->packet_type, AvcPacketType::Nalu);
  EXPECT_EQ(tag->composition_time_ms, 66);
  EXPECT_EQ(tag->payload.size(), 1u);

  Bytes neg = bytes({0x27, 0x01, 0xff, 0xff, 0xdf});  // -33, no payload
  tag = parse_video_tag(neg);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->composition_time_ms, -33);
  EXPECT_TRUE(tag->payload.empty());
}

TEST(FlvVideoTag, EndOfSequence) {
  auto tag = parse_video_tag(bytes({0x17, 0x02, 0x00, 0x00, 0x00}));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->packet_type, AvcPacketType::EndOfSequence);
}

TEST(FlvVideoTag, CommandFrameHasNoAvcHeader) {
  auto tag = parse_video_tag(bytes({0x57, 0x01}));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->frame_type, VideoFrameType::Command);
  ASSERT_EQ(tag->payload.size(), 1u);
}

TEST(FlvVideoTag, LegacyCodecsAreUnsupportedByName) {
  struct Case {
    int first;
    const char* name;
  };
  for (Case c : std::vector<Case>{{0x22, "Sorenson H.263"},
                                  {0x14, "On2 VP6"},
                                  {0x13, "Screen Video"},
                                  {0x1c, "HEVC"},
                                  {0x1d, "AV1"},
                                  {0x1f, "unknown"}}) {
    auto tag = parse_video_tag(bytes({c.first, 0x00, 0x00, 0x00, 0x00}));
    ASSERT_FALSE(tag.ok());
    EXPECT_EQ(tag.error().code, Code::Unsupported);
    EXPECT_NE(tag.error().message.find(c.name), std::string::npos) << tag.error().message;
  }
}

TEST(FlvVideoTag, EnhancedRtmpFourCcIsUnsupportedByName) {
  auto hevc = parse_video_tag(bytes({0x90, 'h', 'v', 'c', '1', 0x01}));
  ASSERT_FALSE(hevc.ok());
  EXPECT_EQ(hevc.error().code, Code::Unsupported);
  EXPECT_NE(hevc.error().message.find("HEVC"), std::string::npos);
  EXPECT_NE(hevc.error().message.find("hvc1"), std::string::npos);

  auto av1 = parse_video_tag(bytes({0x90, 'a', 'v', '0', '1'}));
  ASSERT_FALSE(av1.ok());
  EXPECT_NE(av1.error().message.find("AV1"), std::string::npos);

  auto weird = parse_video_tag(bytes({0x90, 0x01, '\n', 'x', 'y'}));
  ASSERT_FALSE(weird.ok());
  EXPECT_EQ(weird.error().code, Code::Unsupported);
  EXPECT_EQ(weird.error().message.find('\n'), std::string::npos);
}

TEST(FlvVideoTag, EnhancedRtmpAvc1IsAccepted) {
  auto start = parse_video_tag(bytes({0x90, 'a', 'v', 'c', '1', 0x01, 0x64}));
  ASSERT_TRUE(start.ok());
  EXPECT_TRUE(start->enhanced);
  EXPECT_EQ(start->packet_type, AvcPacketType::SequenceHeader);
  EXPECT_EQ(start->payload.size(), 2u);

  auto coded = parse_video_tag(bytes({0xa1, 'a', 'v', 'c', '1', 0x00, 0x00, 0x21, 0x09}));
  ASSERT_TRUE(coded.ok());
  EXPECT_EQ(coded->frame_type, VideoFrameType::Inter);
  EXPECT_EQ(coded->packet_type, AvcPacketType::Nalu);
  EXPECT_EQ(coded->composition_time_ms, 33);
  EXPECT_EQ(coded->payload.size(), 1u);

  auto coded_x = parse_video_tag(bytes({0x93, 'a', 'v', 'c', '1', 0x09}));
  ASSERT_TRUE(coded_x.ok());
  EXPECT_EQ(coded_x->composition_time_ms, 0);
  EXPECT_EQ(coded_x->payload.size(), 1u);

  auto multitrack = parse_video_tag(bytes({0x96, 'a', 'v', 'c', '1'}));
  ASSERT_FALSE(multitrack.ok());
  EXPECT_EQ(multitrack.error().code, Code::Unsupported);
}

TEST(FlvVideoTag, TruncatedOrMalformedIsInvalid) {
  for (const Bytes& body : std::vector<Bytes>{{},
                                              bytes({0x17}),
                                              bytes({0x17, 0x01}),
                                              bytes({0x17, 0x01, 0x00, 0x00}),
                                              bytes({0x17, 0x03, 0x00, 0x00, 0x00}),
                                              bytes({0x07, 0x01, 0x00, 0x00, 0x00}),
                                              bytes({0x67, 0x01, 0x00, 0x00, 0x00}),
                                              bytes({0x90, 'a', 'v'}),
                                              bytes({0xa1, 'a', 'v', 'c', '1', 0x00})}) {
    auto tag = parse_video_tag(body);
    ASSERT_FALSE(tag.ok());
    EXPECT_EQ(tag.error().code, Code::InvalidArgument) << tag.error().message;
  }
}

}  // namespace
}  // namespace antcdn::format::flv
