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

std::vector<int> scale_froms(const std::vector<Rendition>& l) {
  std::vector<int> out;
  for (const auto& r : l) {
    out.push_back(r.scale_from);
  }
  return out;
}

TEST(Ladder, SmallRungsCascadeFromARungAtLeastOneAndAHalfTimesTaller) {
  // 1080p source, standard: 720p from the source, 480p (1.5x) and 360p (2x)
  // from 720p; 480p is not used for 360p (only 1.33x).
  EXPECT_EQ(scale_froms(ladder_for(media::Quality::Standard, 1920, 1080)),
            (std::vector<int>{-1, 0, 0}));
  // The 1080p rung of a 1080p source is the source picture itself.
  EXPECT_EQ(scale_froms(ladder_for(media::Quality::High, 1920, 1080)),
            (std::vector<int>{-1, -1, 1}));
  EXPECT_EQ(scale_froms(ladder_for(media::Quality::Standard, 1280, 720)),
            (std::vector<int>{-1, -1, -1}));
  // A 1440p source under high: 1080p from the source, 720p from 1080p, 480p
  // from 720p.
  EXPECT_EQ(scale_froms(ladder_for(media::Quality::High, 2560, 1440)),
            (std::vector<int>{-1, 0, 1}));
  // A 4:3 960p source under standard: 720p is scaled from the source.
  EXPECT_EQ(scale_froms(ladder_for(media::Quality::Standard, 1280, 960)),
            (std::vector<int>{-1, 0, 0}));
}

}  // namespace
}  // namespace antcdn::transcode
