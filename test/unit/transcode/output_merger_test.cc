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

}  // namespace
}  // namespace antcdn::transcode
