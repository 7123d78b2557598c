#include "transcode/ladder.h"

#include <gtest/gtest.h>

namespace antcdn::transcode {
namespace {

std::vector<std::string> names(const std::vector<Rendition>& l) {
  std::vector<std::string> out;
  for (const auto& r : l) {
    out.push_back(r.name + ":" + std::to_string(r.width) + "x" + std::to_string(r.height));
  }
  return out;
}

TEST(Ladder, StandardAndHighFrom1080p) {
  EXPECT_EQ(names(ladder_for(media::Quality::Standard, 1920, 1080)),
            (std::vector<std::string>{"720p:1280x720", "480p:854x480", "360p:640x360"}));
  EXPECT_EQ(names(ladder_for(media::Quality::High, 1920, 1080)),
            (std::vector<std::string>{"1080p:1920x1080", "720p:1280x720", "480p:854x480"}));
}

TEST(Ladder, NeverUpscales) {
  EXPECT_EQ(names(ladder_for(media::Quality::Standard, 960, 540)),
            (std::vector<std::string>{"480p:854x480", "360p:640x360"}));
  EXPECT_EQ(names(ladder_for(media::Quality::High, 1280, 720)),
            (std::vector<std::string>{"720p:1280x720", "480p:854x480"}));
  // Smaller than every rung: one rendition at the source size.
  auto tiny = ladder_for(media::Quality::Standard, 320, 240);
  ASSERT_EQ(tiny.size(), 1u);
  EXPECT_EQ(tiny[0].width, 320);
  EXPECT_EQ(tiny[0].height, 240);
  EXPECT_GT(tiny[0].bitrate_kbps, 0);
}

TEST(Ladder, KeepsAspectWithEvenSizes) {
  auto portrait = ladder_for(media::Quality::Standard, 1080, 1920);
  ASSERT_FALSE(portrait.empty());
  for (const auto& r : portrait) {
    EXPECT_EQ(r.width % 2, 0);
    EXPECT_EQ(r.height % 2, 0);
  }
  EXPECT_EQ(portrait[0].width, 406);  // 720 * 1080 / 1920 = 405 -> even
  auto l = ladder_for(media::Quality::Standard, 1920, 1080);
  EXPECT_LT(l[1].bitrate_kbps, l[0].bitrate_kbps);
  EXPECT_GT(l[0].maxrate_kbps, l[0].bitrate_kbps);
  EXPECT_TRUE(ladder_for(media::Quality::Passthrough, 1920, 1080).empty());
}

}  // namespace
}  // namespace antcdn::transcode
