#include "thumbnail/keyframe_renderer.h"

#include <gtest/gtest.h>

#include "support/jpeg_probe.h"
#include "support/keyframe_clip.h"

namespace antcdn::thumbnail {
namespace {

const test::KeyframeClip& clip() {
  static const test::KeyframeClip c = test::make_keyframe_clip(320, 180);
  return c;
}

TEST(ThumbnailSize, ClampsTheWidthAndKeepsTheAspect) {
  struct Case {
    int requested;
    PictureSize expected;
  };
  const PictureSize hd{1280, 720};
  for (const Case& k :
       {Case{0, {1280, 720}}, Case{320, {320, 180}}, Case{160, {160, 90}}, Case{1920, {1280, 720}},
        Case{4, {16, 8}}, Case{-5, {1280, 720}}, Case{333, {332, 186}}, Case{100, {100, 56}}}) {
    EXPECT_EQ(thumbnail_size(hd, k.requested), k.expected) << k.requested;
  }
  // Odd sources come out even; tiny ones never below 2x2.
  EXPECT_EQ(thumbnail_size({641, 361}, 0), (PictureSize{640, 360}));
  EXPECT_EQ(thumbnail_size({1280, 20}, 16), (PictureSize{16, 2}));
}

TEST(KeyframeRenderer, DecodesAtTheRequestedWidth) {
  ASSERT_FALSE(clip().segment.empty());
  auto jpeg = render_keyframe_jpeg(clip().init, clip().segment, 160);
  ASSERT_TRUE(jpeg.ok()) << jpeg.error().describe();
  ASSERT_GE(jpeg->size(), 4u);
  EXPECT_EQ((*jpeg)[0], std::byte{0xff});  // SOI
  EXPECT_EQ((*jpeg)[1], std::byte{0xd8});
  auto size = test::jpeg_size(*jpeg);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(*size, (PictureSize{160, 90}));
}

TEST(KeyframeRenderer, DefaultsToTheSourceWidthAndNeverUpscales) {
  ASSERT_FALSE(clip().segment.empty());
  for (int width : {0, 4000}) {
    auto jpeg = render_keyframe_jpeg(clip().init, clip().segment, width);
    ASSERT_TRUE(jpeg.ok()) << jpeg.error().describe();
    auto size = test::jpeg_size(*jpeg);
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(*size, (PictureSize{320, 180})) << width;
  }
}

TEST(KeyframeRenderer, ObjectsWithoutAPictureAreErrors) {
  ASSERT_FALSE(clip().segment.empty());
  EXPECT_FALSE(render_keyframe_jpeg(clip().segment, clip().segment, 160).ok());
  EXPECT_FALSE(render_keyframe_jpeg(clip().init, clip().init, 160).ok());
}

}  // namespace
}  // namespace antcdn::thumbnail
