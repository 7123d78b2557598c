#pragma once

// Bounds on what a publisher may declare about its media (onMetaData, the SPS,
// the AudioSpecificConfig). Values outside them come from a broken or hostile
// encoder: a frame rate is then treated as unknown, a picture size refused.

#include <string>

#include "common/result.h"

namespace antcdn::media {

// Above every real camera and encoder preset in use (240 fps slow-motion capture).
inline constexpr double kMaxFrameRate = 240.0;
// 8K UHD: the largest picture H.264 level 6.2 carries at a useful rate.
inline constexpr int kMaxWidth = 7680;
inline constexpr int kMaxHeight = 4320;

// `fps` when it is finite and in (0, kMaxFrameRate], 0 ("unknown") otherwise.
double sane_frame_rate(double fps);

// InvalidArgument for an empty picture, Unsupported beyond kMaxWidth x kMaxHeight.
Status check_picture_size(int width, int height);

}  // namespace antcdn::media
