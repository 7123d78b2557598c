#include "format/aac/audio_specific_config.h"

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::aac {
namespace {

using antcdn::test::bytes;

TEST(AacAudioSpecificConfig, RealFfmpegConfigWithSyncExtension) {
  // ffmpeg's native AAC encoder, 44.1 kHz mono, followed by backward-compatible
  // SBR signalling (0x2b7 sync extension) that must be ignored.
  auto c = AudioSpecificConfig::parse(bytes({0x12, 0x08, 0x56, 0xe5, 0x00}));
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->object_type, 2);
  EXPECT_EQ(c->sampling_frequency_index, 4);
  EXPECT_EQ(c->sample_rate, 44100u);
  EXPECT_EQ(c->channel_config, 1);
  EXPECT_EQ(c->channels(), 1);
  EXPECT_EQ(c->samples_per_frame(), 1024);
  EXPECT_EQ(c->codec_string(), "mp4a.40.2");
}

TEST(AacAudioSpecificConfig, CommonStereoConfigs) {
  auto c = AudioSpecificConfig::parse(bytes({0x11, 0x90}));  // LC 48 kHz stereo
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sample_rate, 48000u);
  EXPECT_EQ(c->channels(), 2);
  auto made = AudioSpecificConfig::make(2, 48000, 2);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->serialize(), bytes({0x11, 0x90}));
  auto cd = AudioSpecificConfig::make(2, 44100, 2);
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->serialize(), bytes({0x12, 0x10}));
}

TEST(AacAudioSpecificConfig, ExplicitHeAacSignalling) {
  // AOT 5, 24 kHz core, stereo, 48 kHz SBR output, core AOT 2.
  Bytes he = bytes({0x2b, 0x11, 0x88, 0x00});
  auto c = AudioSpecificConfig::parse(he);
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->object_type, 5);
  EXPECT_EQ(c->core_object_type, 2);
  EXPECT_EQ(c->sample_rate, 24000u);
  EXPECT_EQ(c->extension_sample_rate, 48000u);
  EXPECT_EQ(c->codec_string(), "mp4a.40.5");
  EXPECT_EQ(c->serialize(), he);
}

TEST(AacAudioSpecificConfig, SbrOverErBsacKeepsExtensionChannelConfig) {
  // Found by fuzz_flv_tag: AOT 5 over core AOT 22 carries 4 more bits that
  // serialize() used to drop.
  Bytes in = bytes({0x2b, 0x11, 0x59, 0x25});
  auto c = AudioSpecificConfig::parse(in);
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->core_object_type, 22);
  auto again = AudioSpecificConfig::parse(c->serialize());
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(again->extension_channel_config, c->extension_channel_config);
}

TEST(AacAudioSpecificConfig, EscapedObjectTypeAndExplicitRateRoundTrip) {
  auto made = AudioSpecificConfig::make(42, 50000, 2);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->sampling_frequency_index, 15);
  Bytes bytes = made->serialize();
  auto back = AudioSpecificConfig::parse(bytes);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back->object_type, 42);
  EXPECT_EQ(back->sample_rate, 50000u);
  EXPECT_EQ(back->channel_config, 2);
}

TEST(AacAudioSpecificConfig, FrameLength960AndChannelLayouts) {
  auto c = AudioSpecificConfig::parse(bytes({0x11, 0x94}));  // frameLengthFlag set
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->frame_length_960);
  EXPECT_EQ(c->samples_per_frame(), 960);
  auto seven_one = AudioSpecificConfig::make(2, 48000, 7);
  ASSERT_TRUE(seven_one.ok());
  EXPECT_EQ(seven_one->channels(), 8);
  auto pce = AudioSpecificConfig::make(2, 48000, 0);
  ASSERT_TRUE(pce.ok());
  EXPECT_EQ(pce->channels(), 0);
}

TEST(AacAudioSpecificConfig, MalformedConfigsAreErrors) {
  EXPECT_FALSE(AudioSpecificConfig::parse({}).ok());
  EXPECT_FALSE(AudioSpecificConfig::parse(bytes({0x12})).ok());
  EXPECT_FALSE(AudioSpecificConfig::parse(bytes({0x00, 0x10})).ok());        // object type 0
  EXPECT_FALSE(AudioSpecificConfig::parse(bytes({0x16, 0x90})).ok());        // reserved index 13
  EXPECT_FALSE(AudioSpecificConfig::parse(bytes({0x17, 0x80, 0x00})).ok());  // explicit, truncated
  EXPECT_FALSE(AudioSpecificConfig::parse(bytes({0x2b, 0x11})).ok());        // SBR, truncated
  EXPECT_FALSE(AudioSpecificConfig::make(0, 48000, 2).ok());
  EXPECT_FALSE(AudioSpecificConfig::make(2, 0, 2).ok());
  EXPECT_FALSE(AudioSpecificConfig::make(2, 48000, 16).ok());
}

TEST(AacAudioSpecificConfig, FrequencyTable) {
  EXPECT_EQ(sampling_frequency_for_index(0), 96000u);
  EXPECT_EQ(sampling_frequency_for_index(12), 7350u);
  EXPECT_EQ(sampling_frequency_for_index(13), 0u);
  EXPECT_EQ(index_for_sampling_frequency(22050), 7);
  EXPECT_EQ(index_for_sampling_frequency(22051), 15);
}

}  // namespace
}  // namespace antcdn::format::aac
