#include "transcode/output_merger.h"

#include <gtest/gtest.h>

namespace antcdn::transcode {
namespace {

media::AccessUnit au(int track, int64_t dts) {
  return media::AccessUnit{.track_id = track, .dts = dts, .pts = dts};
}

TEST(OutputMerger, WaitsForEveryRenditionAndReleasesInDtsOrder) {
  OutputMerger m(2);
  std::vector<std::pair<int, int64_t>> out;
  auto emit = [&](const media::AccessUnit& u) { out.emplace_back(u.track_id, u.dts); };
  m.push_video(0, au(11, 0));
  m.push_video(0, au(11, 33));
  m.push_audio(au(2, 10));
  m.release(emit);
  EXPECT_TRUE(out.empty());  // rendition 1 has produced nothing yet
  m.push_video(1, au(12, 0));
  m.release(emit);
  // 11@0 and 12@0 go; 11@33 waits for rendition 1 to reach it; audio@10 waits for video.
  EXPECT_EQ(out, (std::vector<std::pair<int, int64_t>>{{11, 0}, {12, 0}}));
  m.push_video(1, au(12, 33));
  m.release(emit);
  EXPECT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2], (std::pair<int, int64_t>{2, 10}));
  m.push_audio(au(2, 50));
  m.push_video(0, au(11, 66));
  m.flush(emit);
  // Flush still keeps dts order: 12@33, then audio@50 before 11@66.
  EXPECT_EQ(out, (std::vector<std::pair<int, int64_t>>{
                     {11, 0}, {12, 0}, {2, 10}, {11, 33}, {12, 33}, {2, 50}, {11, 66}}));
}

TEST(OutputMerger, AudioWaitsForVideoAtMostTwentySecondsOfMedia) {
  OutputMerger m(1);
  int64_t dts = 0;
  for (; dts <= 20000; dts += 21) {
    ASSERT_TRUE(m.push_audio(au(2, dts)).ok()) << dts;
  }
  Status over = m.push_audio(au(2, dts));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Code::ResourceExhausted);
  EXPECT_NE(over.error().message.find("no transcoded video for 20 s of audio"), std::string::npos);
}

TEST(OutputMerger, HeldAudioAndRenditionLeadAreBoundedInFrames) {
  OutputMerger m(2, OutputMerger::Limits{.max_held_audio = 10, .max_video_lead = 5});
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(m.push_audio(au(2, i)).ok());
  }
  EXPECT_FALSE(m.push_audio(au(2, 10)).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.push_video(0, au(11, i * 33)).ok());
  }
  // Rendition 1 produced nothing: rendition 0 may not run further ahead.
  Status over = m.push_video(0, au(11, 165));
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("5 frames ahead"), std::string::npos);
  ASSERT_TRUE(m.push_video(1, au(12, 0)).ok());
  m.release([](media::AccessUnit&&) {});
  EXPECT_TRUE(m.push_video(0, au(11, 165)).ok()) << "released frames make room";
}

}  // namespace
}  // namespace antcdn::transcode
